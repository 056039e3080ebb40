/**
 * Playbooks shared by the parser and schema specs: one that uses the whole language, and small
 * structural samples both the JSON Schema and the parser must judge the same way.
 */

/** Every step kind and most options; valid when `enrich-host` is a known playbook. */
export const FULL_LANGUAGE = `id: full-language
name: Every step kind
description: A playbook that uses the whole language.
trigger:
  event: alert.created
  when: severity in ["HIGH", "CRITICAL"]
inputs:
  hostname: '{{ observables[type = "HOSTNAME"][0].value }}'
steps:
  - id: host
    action: edr.find_host
    with: { hostname: '{{ inputs.hostname }}' }
    timeout: 2m
    retry: { max_attempts: 5, initial_interval: 1s, backoff: 2, non_retryable: [NOT_FOUND] }
    on_error: { goto: report }
  - id: intel
    parallel:
      - id: hashes
        action: intel.lookup
        foreach: '{{ alert.observables[type = "FILE_HASH"] }}'
        concurrency: 4
        with: { type: FILE_HASH, value: '{{ item.value }}' }
      - id: ips
        action: intel.lookup
        foreach: alert.observables[type = "IP"]
        with: { type: IP, value: '{{ item.value }}' }
        on_error: continue
  - id: verdict
    set:
      malicious: '{{ $count(steps.hashes.output[verdict = "malicious"]) > 0 }}'
  - id: decide
    if: vars.malicious
    then:
      - id: approve
        approval:
          prompt: 'Isolate {{ steps.host.output.hostname }}?'
          approvers: { roles: [responder] }
          quorum: 1
          reject_quorum: 1
          timeout: 15m
          on_timeout: escalate
          escalate:
            - { approvers: { roles: [admin] }, timeout: 30m, notify: [notify.send] }
          notify: [notify.send]
          context: { host: '{{ steps.host.output.hostname }}' }
          on_reject: fail
      - id: isolate
        if: '{{ steps.approve.decision = "approved" }}'
        action: edr.isolate_host
        with: { host_id: '{{ steps.host.output.host_id }}' }
        compensate: { action: edr.release_host, with: { host_id: '{{ steps.isolate.output.host_id }}' } }
    else:
      - id: benign
        notify: { text: 'Nothing malicious on {{ steps.host.output.hostname }}', via: notify.send }
  - id: settle
    wait: { event: case.updated, when: 'status = "RESOLVED"', timeout: 4h }
  - id: pause
    wait: { duration: 10m }
  - id: enrich
    playbook: enrich-host
    inputs: { hostname: '{{ steps.host.output.hostname }}' }
  - id: done
    if: '{{ steps.settle.output.timed_out }}'
    succeed: { message: nobody resolved it }
  - id: record
    action: case.set_status
    with: { status: CONTAINED }
  - id: finish
    succeed: contained
  - id: report
    fail: { message: 'Host lookup failed: {{ steps.host.output.error.message }}' }
outputs:
  host_id: '{{ steps.host.output.host_id }}'
`;

/** A valid playbook whose steps are `steps` (YAML lines, indented as list items under `steps:`). */
export function withSteps(...steps: string[]): string {
  return ['id: sample', 'name: Sample', 'trigger: { event: alert.created }', 'steps:', ...steps].join('\n');
}

/** Line numbers in `withSteps` playbooks: the first step line is line 5. */
export const FIRST_STEP_LINE = 5;

export interface StructuralSample {
  name: string;
  source: string;
  valid: boolean;
}

/** Shape-only cases (no semantics the schema cannot see), each judged by ajv and by the parser. */
export const STRUCTURAL_SAMPLES: StructuralSample[] = [
  { name: 'the full language', source: FULL_LANGUAGE, valid: true },
  { name: 'a minimal action', source: withSteps('  - { id: a, action: edr.find_host }'), valid: true },
  { name: 'succeed with no message', source: withSteps('  - { id: a, succeed: null }'), valid: true },
  {
    name: 'a wait for an event',
    source: withSteps('  - { id: a, wait: { event: case.updated, when: status = "CLOSED", timeout: 1h } }'),
    valid: true,
  },
  {
    name: 'set variables',
    source: withSteps('  - { id: a, set: { verdict: bad, score_1: 3 } }'),
    valid: true,
  },
  {
    name: 'an unknown top-level key',
    source: withSteps('  - { id: a, action: edr.find_host }') + '\nowner: me',
    valid: false,
  },
  { name: 'no steps', source: 'id: a\nname: A\ntrigger: { event: manual }\nsteps: []', valid: false },
  {
    name: 'an unknown trigger event',
    source: 'id: a\nname: A\ntrigger: { event: alert.new }\nsteps: [{ id: a, succeed: ok }]',
    valid: false,
  },
  {
    name: 'a bad playbook id',
    source: 'id: Contain Host\nname: A\ntrigger: { event: manual }\nsteps: [{ id: a, succeed: ok }]',
    valid: false,
  },
  { name: 'a step with no kind', source: withSteps('  - { id: a, with: { x: 1 } }'), valid: false },
  {
    name: 'a step with two kinds',
    source: withSteps('  - { id: a, action: edr.find_host, set: { x: 1 } }'),
    valid: false,
  },
  {
    name: 'an unknown step key',
    source: withSteps('  - { id: a, action: edr.find_host, witj: {} }'),
    valid: false,
  },
  { name: 'a bad step id', source: withSteps('  - { id: A1, action: edr.find_host }'), valid: false },
  {
    name: 'foreach on an approval',
    source: withSteps("  - { id: a, foreach: '{{ [1] }}', approval: { prompt: ok } }"),
    valid: false,
  },
  {
    name: 'concurrency without foreach',
    source: withSteps('  - { id: a, action: edr.find_host, concurrency: 2 }'),
    valid: false,
  },
  {
    name: 'concurrency above 100',
    source: withSteps("  - { id: a, action: edr.find_host, foreach: '{{ [1] }}', concurrency: 101 }"),
    valid: false,
  },
  {
    name: 'a bad duration',
    source: withSteps('  - { id: a, action: edr.find_host, timeout: soon }'),
    valid: false,
  },
  { name: 'a bad action name', source: withSteps('  - { id: a, action: isolate }'), valid: false },
  {
    name: 'on_error with a bad value',
    source: withSteps('  - { id: a, action: edr.find_host, on_error: ignore }'),
    valid: false,
  },
  { name: 'quorum 0', source: withSteps('  - { id: a, approval: { prompt: ok, quorum: 0 } }'), valid: false },
  {
    name: 'reject_quorum 0',
    source: withSteps('  - { id: a, approval: { prompt: ok, reject_quorum: 0 } }'),
    valid: false,
  },
  {
    name: 'an approval without a prompt',
    source: withSteps('  - { id: a, approval: { quorum: 1 } }'),
    valid: false,
  },
  {
    name: 'an unknown role',
    source: withSteps('  - { id: a, approval: { prompt: ok, approvers: { roles: [boss] } } }'),
    valid: false,
  },
  {
    name: 'escalate without levels',
    source: withSteps('  - { id: a, approval: { prompt: ok, timeout: 1h, on_timeout: escalate } }'),
    valid: false,
  },
  {
    name: 'levels without escalate',
    source: withSteps(
      '  - { id: a, approval: { prompt: ok, escalate: [{ approvers: { roles: [admin] } }] } }',
    ),
    valid: false,
  },
  {
    name: 'an escalation level without approvers',
    source: withSteps(
      '  - { id: a, approval: { prompt: ok, on_timeout: escalate, escalate: [{ timeout: 1h }] } }',
    ),
    valid: false,
  },
  {
    name: 'a wait with neither duration nor event',
    source: withSteps('  - { id: a, wait: {} }'),
    valid: false,
  },
  {
    name: 'a wait with both',
    source: withSteps('  - { id: a, wait: { duration: 1h, event: case.updated } }'),
    valid: false,
  },
  {
    name: 'when on a timed wait',
    source: withSteps("  - { id: a, wait: { duration: 1h, when: 'x' } }"),
    valid: false,
  },
  {
    name: 'a set key that is no identifier',
    source: withSteps('  - { id: a, set: { a-b: 1 } }'),
    valid: false,
  },
  { name: 'an empty set', source: withSteps('  - { id: a, set: {} }'), valid: false },
  { name: 'a notify without text', source: withSteps('  - { id: a, notify: { to: soc } }'), valid: false },
  { name: 'a fail without a message', source: withSteps("  - { id: a, fail: '' }"), valid: false },
  { name: 'a fail with an empty mapping', source: withSteps('  - { id: a, fail: {} }'), valid: false },
  {
    name: 'a branch without if',
    source: withSteps('  - { id: a, then: [{ id: b, succeed: ok }] }'),
    valid: false,
  },
  {
    name: 'else without then',
    source: withSteps("  - { id: a, if: 'true', else: [{ id: b, succeed: ok }] }"),
    valid: false,
  },
  { name: 'an empty parallel', source: withSteps('  - { id: a, parallel: [] }'), valid: false },
  {
    name: 'a child playbook with a bad id',
    source: withSteps('  - { id: a, playbook: Enrich Host }'),
    valid: false,
  },
  {
    name: 'a compensate without an action',
    source: withSteps('  - { id: a, action: edr.isolate_host, compensate: { with: {} } }'),
    valid: false,
  },
  {
    name: 'an unknown retry key',
    source: withSteps('  - { id: a, action: edr.find_host, retry: { attempts: 3 } }'),
    valid: false,
  },
];

/**
 * Run by hand: find the host, ask, contain it when approved. `approval` is the approval step's
 * own fields (one approver by default), `isolate` extra fields for the isolate step (a quick
 * retry, say); a second line of either is indented as the step's fields.
 */
export function manualContainPlaybook(
  id: string,
  { approval = 'quorum: 1', isolate = '' }: { approval?: string; isolate?: string } = {},
): string {
  return `
id: ${id}
name: ${id}
trigger: { event: manual }
inputs:
  hostname: none
steps:
  - id: host
    action: edr.find_host
    with: { hostname: '{{ inputs.hostname }}' }
  - id: approve
    approval:
      prompt: 'Contain {{ steps.host.output.hostname }}?'
      ${approval}
  - id: isolate
    if: '{{ steps.approve.decision = "approved" }}'
    action: edr.isolate_host
    with: { host_id: '{{ steps.host.output.host_id }}' }
${isolate ? `    ${isolate}\n` : ''}`;
}
