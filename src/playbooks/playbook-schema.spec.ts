import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { projectRoot } from '../config/paths';
import { ROLES } from '../auth/roles';
import { kindLabel, STEP_KINDS, TRIGGER_EVENTS } from '../workflows/playbook.types';
import { parsePlaybook } from './playbook-parser';
import { FULL_LANGUAGE, STRUCTURAL_SAMPLES } from './testing/playbook-samples';
import {
  NESTED_KEYS,
  ON_REJECT,
  ON_TIMEOUT,
  STEP_KEYS,
  TOP_LEVEL_KEYS,
  TRIGGER_KEYS,
  WAIT_EVENTS,
} from './parser/vocabulary';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  required?: string[];
  oneOf?: SchemaNode[];
  enum?: string[];
  items?: SchemaNode;
  $ref?: string;
}

const dir = path.join(projectRoot(), 'playbooks');
const schema = JSON.parse(fs.readFileSync(path.join(dir, 'playbook.schema.json'), 'utf8')) as SchemaNode & {
  definitions: Record<string, SchemaNode>;
};
const defs = schema.definitions;
const keys = (node: SchemaNode | undefined) => Object.keys(node?.properties ?? {}).sort();
const sorted = (list: readonly string[]) => [...list].sort();

describe('playbooks/playbook.schema.json', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  });

  it('accepts every shipped playbook, and each names the schema for editors', () => {
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      expect({ file, valid: validate(parse(source)), errors: validate.errors ?? null }).toEqual({
        file,
        valid: true,
        errors: null,
      });
      expect(source).toContain('# yaml-language-server: $schema=./playbook.schema.json');
    }
  });

  it.each(STRUCTURAL_SAMPLES.map((s) => [s.name, s] as const))(
    'judges %s as the parser does',
    (_name, sample) => {
      const bySchema = validate(parse(sample.source));
      const parsed = parsePlaybook(sample.source, { knownPlaybooks: ['enrich-host', 'sample'] });
      expect({ schema: bySchema, parser: parsed.ok ? true : parsed.problems }).toEqual({
        schema: sample.valid,
        parser: sample.valid ? true : expect.arrayContaining([expect.anything()]),
      });
    },
  );

  it('knows exactly the step kinds of STEP_KINDS, each with the keys the parser accepts', () => {
    const kindRefs = (defs.step.oneOf ?? []).map((s) => s.$ref);
    expect(kindRefs).toEqual(STEP_KINDS.map((k) => `#/definitions/${kindLabel(k)}_step`));
    for (const kind of STEP_KINDS) {
      const def = defs[`${kindLabel(kind)}_step`];
      expect({ kind, keys: keys(def) }).toEqual({ kind, keys: sorted(STEP_KEYS[kind]) });
      expect(def.required).toEqual(expect.arrayContaining(['id', kind]));
    }
  });

  it('knows the same nested keys and choices as the parser', () => {
    expect(keys(schema)).toEqual(sorted(TOP_LEVEL_KEYS));
    expect(keys(defs.trigger)).toEqual(sorted(TRIGGER_KEYS));
    expect(defs.trigger.properties?.event.enum).toEqual([...TRIGGER_EVENTS]);
    const approval = defs.approval_step.properties?.approval;
    const nested: Record<keyof typeof NESTED_KEYS, SchemaNode | undefined> = {
      retry: defs.retry,
      compensate: defs.compensate,
      on_error: defs.on_error.oneOf?.[1],
      approval,
      approvers: defs.approvers,
      escalation: defs.escalation,
      wait: defs.wait_step.properties?.wait,
      notify: defs.notify_step.properties?.notify,
      message: defs.fail_step.properties?.fail.oneOf?.[1],
    };
    for (const [name, node] of Object.entries(nested))
      expect({ name, keys: keys(node) }).toEqual({
        name,
        keys: sorted(NESTED_KEYS[name as keyof typeof NESTED_KEYS]),
      });
    expect(approval?.properties?.on_timeout.enum).toEqual([...ON_TIMEOUT]);
    expect(approval?.properties?.on_reject.enum).toEqual([...ON_REJECT]);
    expect(defs.approvers.properties?.roles.items?.enum).toEqual([...ROLES]);
    expect(defs.wait_step.properties?.wait.properties?.event.enum).toEqual([...WAIT_EVENTS]);
  });

  it('describes the full-language sample without complaint', () => {
    expect(validate(parse(FULL_LANGUAGE)) ? null : validate.errors).toBeNull();
  });
});
