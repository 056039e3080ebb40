import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

/** What a list without `first` is assumed to hold when estimating a query's cost. */
export const LIST_FACTOR = 10;

function rejected(message: string): GraphQLError {
  // Rejections happen before any resolver runs: a client error, HTTP 400.
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Refuses operations nested deeper than `maxDepth` fields (fragments followed, introspection
 * fields not counted). A validation rule: nothing executes when it fails.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions)
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const depthOf = (set: SelectionSetNode, seen: Set<string>): number => {
      let deepest = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + (sel.selectionSet ? depthOf(sel.selectionSet, seen) : 0));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(sel.selectionSet, seen));
        } else {
          const fragment = fragments.get(sel.name.value);
          // A cycle is reported by graphql's own NoFragmentCycles rule.
          if (!fragment || seen.has(sel.name.value)) continue;
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set(seen).add(sel.name.value)));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(op: OperationDefinitionNode) {
        const depth = depthOf(op.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query too deep: ${depth} levels of fields, at most ${maxDepth}`, {
              nodes: [op],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
      },
    };
  };
}

export interface CostLimits {
  maxComplexity: number;
  maxPageSize: number;
}

/**
 * Estimates what an operation would cost with its variables: every field 1, a connection's
 * selection times its `first`, any other list's times LIST_FACTOR (aliases count each time).
 * Also caps every `first` argument at maxPageSize.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: CostLimits,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const varDefaults = new Map<string, ValueNode | undefined>(
    (operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v.defaultValue]),
  );

  const intOf = (node: ValueNode | undefined): number | undefined => {
    if (!node) return undefined;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const given = variables[node.name.value];
      if (typeof given === 'number') return given;
      return intOf(varDefaults.get(node.name.value));
    }
    return undefined;
  };

  const firstOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined => {
    const arg = field.args.find((a) => a.name === 'first');
    if (!arg) return undefined;
    const given = intOf(node.arguments?.find((a) => a.name.value === 'first')?.value);
    const value = given ?? (typeof arg.defaultValue === 'number' ? arg.defaultValue : limits.maxPageSize);
    if (value > limits.maxPageSize)
      throw rejected(`${node.name.value}(first: ${value}): at most ${limits.maxPageSize} items per page`);
    return Math.max(value, 0);
  };

  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType, seen: Set<string>): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        total += type ? costOf(sel.selectionSet, type, seen) : 0;
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && !seen.has(sel.name.value))
          total += costOf(fragment.selectionSet, type, new Set(seen).add(sel.name.value));
      } else if (!sel.name.value.startsWith('__') && (isObjectType(parent) || isInterfaceType(parent))) {
        const field = parent.getFields()[sel.name.value];
        if (!field) continue;
        const inner = sel.selectionSet ? costOf(sel.selectionSet, getNamedType(field.type), seen) : 0;
        const first = firstOf(field, sel);
        // A connection's edges are its page: counted once, by `first`, on the connection field.
        const inConnection = parent.name.endsWith('Connection');
        const factor = first ?? (isListType(getNullableType(field.type)) && !inConnection ? LIST_FACTOR : 1);
        total += 1 + factor * inner;
      }
    }
    return total;
  };

  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return root ? costOf(operation.selectionSet, root, new Set()) : 0;
}

/** An Apollo plugin, typed as Nest's driver takes it (Apollo's ESM typings). */
export type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** Refuses, before execution, operations whose estimated cost or page size is over the limits. */
export function queryCostPlugin(limits: CostLimits): ApolloPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables ?? {}, limits);
          if (cost > limits.maxComplexity) {
            throw rejected(
              `query too complex: estimated cost ${cost}, at most ${limits.maxComplexity} (fewer fields, smaller pages or fewer aliases)`,
            );
          }
        },
      };
    },
  };
}

/**
 * graphql-ws validates on its own, outside Apollo: the same depth, cost and page limits (variables
 * unknown there: a `first` from a variable counts as the largest page) and, in production, no
 * introspection, so no operation sent over the socket escapes them.
 */
export function socketValidation(
  limits: CostLimits & { maxDepth: number; introspection: boolean },
): typeof validate {
  const rules = [
    ...specifiedRules,
    depthLimitRule(limits.maxDepth),
    ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  return (schema, document) => {
    const errors = validate(schema, document, rules);
    if (errors.length) return errors;
    for (const def of document.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      try {
        const cost = operationCost(schema, document, def, {}, limits);
        if (cost > limits.maxComplexity)
          return [rejected(`query too complex: estimated cost ${cost}, at most ${limits.maxComplexity}`)];
      } catch (err) {
        if (err instanceof GraphQLError) return [err];
        throw err;
      }
    }
    return [];
  };
}
