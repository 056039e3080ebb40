import { STEP_KINDS, type StepKind } from '../../workflows/playbook.types';

/**
 * Every key the playbook language knows, per place. The parser refuses anything else by name,
 * and a spec holds playbooks/playbook.schema.json to exactly these lists, so editors and the
 * server never disagree about what a playbook may say.
 */
export const TOP_LEVEL_KEYS = ['id', 'name', 'description', 'trigger', 'inputs', 'steps', 'outputs'] as const;
export const TRIGGER_KEYS = ['event', 'when'] as const;

/** Keys every step may carry, whatever its kind. */
export const COMMON_STEP_KEYS = ['id', 'name', 'if', 'timeout', 'retry', 'on_error', 'compensate'] as const;
/** Keys of the steps that may run once per item. */
export const REPEAT_KEYS = ['foreach', 'concurrency'] as const;

export const STEP_KEYS: Record<StepKind, readonly string[]> = {
  action: [...COMMON_STEP_KEYS, ...REPEAT_KEYS, 'action', 'with'],
  approval: [...COMMON_STEP_KEYS, 'approval'],
  then: [...COMMON_STEP_KEYS, 'then', 'else'],
  parallel: [...COMMON_STEP_KEYS, 'parallel'],
  wait: [...COMMON_STEP_KEYS, 'wait'],
  set: [...COMMON_STEP_KEYS, 'set'],
  notify: [...COMMON_STEP_KEYS, 'notify'],
  playbook: [...COMMON_STEP_KEYS, ...REPEAT_KEYS, 'playbook', 'inputs'],
  succeed: [...COMMON_STEP_KEYS, 'succeed'],
  fail: [...COMMON_STEP_KEYS, 'fail'],
};

/** The keys of the mappings nested in steps, by where they appear. */
export const NESTED_KEYS = {
  retry: ['max_attempts', 'initial_interval', 'backoff', 'non_retryable'],
  compensate: ['action', 'with'],
  on_error: ['goto'],
  approval: [
    'prompt',
    'approvers',
    'quorum',
    'reject_quorum',
    'timeout',
    'on_timeout',
    'escalate',
    'notify',
    'context',
    'on_reject',
  ],
  approvers: ['roles', 'users'],
  escalation: ['approvers', 'timeout', 'notify'],
  wait: ['duration', 'event', 'when', 'timeout'],
  notify: ['to', 'subject', 'text', 'link', 'via'],
  message: ['message'],
} as const satisfies Record<string, readonly string[]>;

export const ON_TIMEOUT = ['reject', 'approve', 'escalate'] as const;
export const ON_REJECT = ['continue', 'fail'] as const;
export const WAIT_EVENTS = ['case.updated', 'alert.created'] as const;

export const ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
/** Variable names of `set`, read back as `vars.<name>`: plain identifiers, so no quoting in JSONata. */
export const VAR_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `edr.isolate_host`, `case.set_status`, `crowdstrike-falcon.contain_host`. */
export const ACTION_PATTERN = /^[a-z0-9][a-z0-9-]*\.[a-z0-9_]+$/;
export const MAX_CONCURRENCY = 100;

/** How the kinds are named to people: the branch is written `if` + `then`. */
export const KIND_LIST = STEP_KINDS.map((k) => (k === 'then' ? 'if/then' : k)).join(', ');
