import { randomUUID } from 'node:crypto';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

/**
 * Generates, from the GraphQL schema, one call per (operation, id slot): every query and mutation
 * that takes an id, directly or in an input, called with one slot set to another tenant's object
 * and the rest filled with the caller's own objects and valid values. Beside each, the same call
 * with that slot set to an id that exists nowhere: the two answers must be indistinguishable.
 */
export type IdKind =
  | 'alert'
  | 'case'
  | 'approval'
  | 'run'
  | 'connection'
  | 'endpoint'
  | 'tenant'
  | 'playbook'
  | 'actor'
  | 'user';

/** One tenant's objects, by kind. */
export type Objects = Record<IdKind, string>;

/** Which object an id slot names, by its (last) name; null: not an object of a tenant. */
const SLOT_KINDS: Record<string, IdKind | null> = {
  caseId: 'case',
  targetCaseId: 'case',
  sourceCaseIds: 'case',
  alertId: 'alert',
  alertIds: 'alert',
  approvalId: 'approval',
  approvalIds: 'approval',
  runId: 'run',
  connectionId: 'connection',
  endpointId: 'endpoint',
  tenantId: 'tenant',
  playbookId: 'playbook',
  actorId: 'actor',
  // A member of the tenant (users are cross-tenant; their membership is the tenant's).
  userId: 'user',
  // Not objects of a tenant: an idempotency key and the integration catalogue.
  requestId: null,
  integrationId: null,
  // A person's Slack or e-mail id: each tenant maps it for itself (one analyst may serve many).
  externalId: null,
  // auditLog's filter: any kind of object's id, matched within the caller's own log only.
  targetId: null,
};

/** `id` arguments, by what the operation returns (or its name when it returns a scalar). */
const ID_BY_RESULT: Record<string, IdKind> = {
  Alert: 'alert',
  Case: 'case',
  Approval: 'approval',
  PlaybookRun: 'run',
  Playbook: 'playbook',
  Connection: 'connection',
  ConnectionTestResult: 'connection',
  WebhookEndpoint: 'endpoint',
  caseReport: 'case',
};

/** Values that make an input otherwise valid, so that only the id decides the answer. */
const VALUES: Record<string, unknown> = {
  'bindCapability.input.capability': 'edr',
  'mapApproverIdentity.input.channel': 'SLACK',
  'mapApproverIdentity.input.externalId': 'U0MATRIX01',
  'unmapApproverIdentity.input.channel': 'SLACK',
  'decideApprovals.input.decision': 'APPROVE',
  'addTenantMember.input.issuer': 'https://idp.matrix.example/',
  'addTenantMember.input.subject': 'matrix-member',
};

/** A fresh id of the same shape that names nothing. */
export function nowhere(kind: IdKind): string {
  switch (kind) {
    case 'playbook':
      return `no-such-playbook-${randomUUID().slice(0, 8)}`;
    case 'actor':
      return `apikey:${randomUUID()}`;
    case 'alert':
    case 'case':
    case 'approval':
    case 'run':
    case 'connection':
    case 'endpoint':
    case 'tenant':
    case 'user':
      return randomUUID();
  }
}

interface Slot {
  /** "input.caseId", "id". */
  path: string;
  kind: IdKind;
  list: boolean;
  required: boolean;
  /** Declared as ID (not a String that happens to hold one, like actorId). */
  typedId: boolean;
}

export interface MatrixCall {
  /** "mutation addAlertsToCase input.alertIds". */
  name: string;
  operation: 'query' | 'mutation';
  field: string;
  slot: Slot;
  /** What the operation answers: one object (must be NOT_FOUND), a page or list (must be empty), or a scalar. */
  answer: 'object' | 'list' | 'scalar';
  query: string;
  /** Variables with the slot set to `value`. */
  variables(value: string): Record<string, unknown>;
  /** The foreign id (kept out of messages when comparing). */
  foreign: string;
}

function isIdSlot(name: string, type: GraphQLInputType): boolean {
  const named = getNamedType(type).name;
  return named === 'ID' || (named === 'String' && (name === 'id' || /Ids?$/.test(name)));
}

function kindOf(
  op: string,
  field: GraphQLField<unknown, unknown>,
  slotName: string,
): IdKind | null | undefined {
  if (slotName === 'id') {
    const result = getNamedType(field.type).name;
    return ID_BY_RESULT[result] ?? ID_BY_RESULT[op];
  }
  return slotName in SLOT_KINDS ? SLOT_KINDS[slotName] : undefined;
}

export function buildMatrix(
  schema: GraphQLSchema,
  own: Objects,
  foreign: Objects,
): { calls: MatrixCall[]; unknownSlots: string[] } {
  const calls: MatrixCall[] = [];
  const unknownSlots: string[] = [];
  for (const [operation, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const slots: Slot[] = [];
      const collect = (name: string, type: GraphQLInputType, path: string, depth: number) => {
        if (isIdSlot(name, type)) {
          const kind = kindOf(field.name, field, name);
          if (kind === undefined) unknownSlots.push(`${field.name}(${path})`);
          else if (kind)
            slots.push({
              path,
              kind,
              list: isListType(getNullableType(type)),
              required: isNonNullType(type),
              typedId: getNamedType(type).name === 'ID',
            });
          return;
        }
        const named = getNamedType(type);
        if (isInputObjectType(named) && depth < 4)
          for (const f of Object.values(named.getFields()))
            collect(f.name, f.type, `${path}.${f.name}`, depth + 1);
      };
      for (const arg of field.args) collect(arg.name, arg.type, arg.name, 0);
      for (const slot of slots) {
        const fill = (value: string) =>
          Object.fromEntries(
            field.args
              .map((arg) => [arg.name, valueFor(field.name, arg, arg.name, slots, slot, value, own)] as const)
              .filter(([, v]) => v !== undefined),
          );
        calls.push({
          name: `${operation} ${field.name} ${slot.path}`,
          operation,
          field: field.name,
          slot,
          answer: answerOf(field),
          query: documentFor(operation, field),
          variables: fill,
          foreign: foreign[slot.kind],
        });
      }
    }
  }
  return { calls, unknownSlots };
}

function answerOf(field: GraphQLField<unknown, unknown>): MatrixCall['answer'] {
  const type = getNullableType(field.type);
  if (isListType(type) || getNamedType(type).name.endsWith('Connection')) return 'list';
  return isObjectType(type) ? 'object' : 'scalar';
}

function documentFor(operation: string, field: GraphQLField<unknown, unknown>): string {
  const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  // A list's items are compared field by field (a bulk result says per item why it did not count).
  const leaves = isObjectType(named)
    ? Object.values(named.getFields())
        .filter((f) => isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)))
        .map((f) => f.name)
        .join(' ')
    : '';
  const selection =
    isScalarType(named) || isEnumType(named)
      ? ''
      : named.name.endsWith('Connection')
        ? ' { totalCount }'
        : isListType(getNullableType(field.type))
          ? ` { ${leaves} }`
          : ' { __typename }';
  return `${operation}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

/**
 * The value of one argument or input field: the slot under test gets `value`; other id slots the
 * caller's own object when required (left out when optional); the rest a valid sample.
 */
function valueFor(
  op: string,
  arg: GraphQLArgument | { name: string; type: GraphQLInputType },
  path: string,
  slots: Slot[],
  target: Slot,
  value: string,
  own: Objects,
): unknown {
  const slot = slots.find((s) => s.path === path);
  if (slot) {
    if (slot === target) return slot.list ? [value] : value;
    if (!slot.required) return undefined;
    return slot.list ? [own[slot.kind]] : own[slot.kind];
  }
  const key = `${op}.${path}`;
  if (key in VALUES) return VALUES[key];
  const type = arg.type;
  if (!isNonNullType(type) && !slots.some((s) => s.path.startsWith(`${path}.`))) return undefined;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = valueFor(op, { name: arg.name, type: inner.ofType }, path, slots, target, value, own);
    return item === undefined ? [] : [item];
  }
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      const v = valueFor(op, f, `${path}.${f.name}`, slots, target, value, own);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  if (isEnumType(named)) return named.getValues()[0].value;
  switch (named.name) {
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date().toISOString();
    case 'JSON':
      return {};
    default:
      return 'matrix';
  }
}
