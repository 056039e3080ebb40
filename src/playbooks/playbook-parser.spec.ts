import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config/paths';
import { loadIntegration } from '../integrations/integration-registry';
import { actionCatalogue } from './action-catalogue';
import { playbookLinks } from './parser/playbook-links';
import { parsePlaybook, type ParseOptions } from './playbook-parser';
import { FULL_LANGUAGE, withSteps } from './testing/playbook-samples';

const problemsOf = (source: string, options?: ParseOptions) => {
  const result = parsePlaybook(source, options);
  return result.ok ? [] : result.problems;
};
const lines = (...l: string[]) => l.join('\n');
const falcon = loadIntegration(path.join(projectRoot(), 'integrations', 'crowdstrike-falcon'));
const installed = { knownActions: actionCatalogue([falcon]), knownPlaybooks: ['sample', 'enrich-host'] };

describe('parsePlaybook', () => {
  it('accepts every shipped playbook', () => {
    const dir = path.join(projectRoot(), 'playbooks');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const sources = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    // Shipped playbooks may start each other.
    const knownPlaybooks = sources.map((s) => playbookLinks(s)?.id ?? '');
    const options = { knownActions: installed.knownActions, knownPlaybooks };
    files.forEach((file, i) =>
      expect({ file, problems: problemsOf(sources[i], options) }).toEqual({ file, problems: [] }),
    );
  });

  it('accepts the whole language and returns the definition with a content hash', () => {
    const result = parsePlaybook(FULL_LANGUAGE, installed);
    expect(result.ok ? null : result.problems).toBeNull();
    if (!result.ok) return;
    expect(result.definition.id).toBe('full-language');
    expect(result.definition.steps).toHaveLength(11);
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(parsePlaybook(`${FULL_LANGUAGE}\n`, installed)).toMatchObject({ ok: true });
    expect((parsePlaybook(`${FULL_LANGUAGE}\n`, installed) as { contentHash: string }).contentHash).not.toBe(
      result.contentHash,
    );
  });

  it('accepts vendor actions of installed integrations, and refuses unknown ones only when it knows what is installed', () => {
    const vendor = withSteps('  - { id: a, action: crowdstrike-falcon.contain_host }');
    const unknown = withSteps('  - { id: a, action: acme-edr.isolate }');
    expect(problemsOf(vendor, installed)).toEqual([]);
    expect(problemsOf(unknown)).toEqual([]);
    expect(problemsOf(unknown, installed)).toEqual([
      expect.objectContaining({
        line: 5,
        stepId: 'a',
        message: expect.stringContaining('unknown action "acme-edr.isolate"'),
      }),
    ]);
    expect(problemsOf(unknown, { knownActions: (name) => name === 'acme-edr.isolate' })).toEqual([]);
  });

  it('rejects YAML that is not a playbook mapping, naming the line', () => {
    expect(problemsOf('- a\n- b')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('YAML mapping') }),
    ]);
    expect(problemsOf('id: x\nname: [unclosed\n')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^YAML: /) }),
    ]);
    expect(problemsOf('id: x\nid: y\n')).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringContaining('unique') }),
    ]);
  });

  // One broken playbook per kind of structural problem: its line and what the message says (the
  // semantic checks have their own spec in parser/semantic/).
  const cases: [string, string, number, RegExp, ParseOptions?][] = [
    [
      'an unknown top-level key',
      lines('id: a', 'name: A', 'trigger: { event: manual }', 'stpes: []', 'steps: [{ id: a, succeed: ok }]'),
      4,
      /^stpes: unknown key "stpes"; did you mean "steps"\?/,
    ],
    [
      'a missing id',
      lines('name: A', 'trigger: { event: manual }', 'steps: [{ id: a, succeed: ok }]'),
      1,
      /^id: required/,
    ],
    [
      'a bad playbook id',
      lines('id: Contain Host', 'name: A', 'trigger: { event: manual }', 'steps: [{ id: a, succeed: ok }]'),
      1,
      /^id: "Contain Host" is not a valid playbook id; use lower-case/,
    ],
    [
      'a missing trigger',
      lines('id: a', 'name: A', 'steps: [{ id: a, succeed: ok }]'),
      1,
      /^trigger: required: what starts the playbook/,
    ],
    [
      'an unknown trigger event',
      lines('id: a', 'name: A', 'trigger:', '  event: alert.new', 'steps: [{ id: a, succeed: ok }]'),
      4,
      /^trigger\.event: must be one of alert\.created, case\.created, case\.updated, manual; got "alert\.new"/,
    ],
    [
      'a trigger condition that does not compile',
      lines(
        'id: a',
        'name: A',
        'trigger:',
        '  event: alert.created',
        '  when: severity = ',
        'steps: [{ id: a, succeed: ok }]',
      ),
      5,
      /^trigger\.when: invalid expression "severity =": .*templates are JSONata/,
    ],
    [
      'no steps',
      lines('id: a', 'name: A', 'trigger: { event: manual }', 'steps: []'),
      4,
      /^steps: must be a non-empty list of steps/,
    ],
    [
      'a step with no kind',
      withSteps('  - id: a', '    acton: edr.find_host'),
      5,
      /^step "a": has no kind: give it exactly one of action, approval, if\/then, .*"acton" looks like a misspelt "action"/,
    ],
    [
      'a step with two kinds',
      withSteps('  - id: a', '    action: edr.find_host', '    wait: { duration: 1m }'),
      5,
      /^step "a": has "action" and "wait": a step does exactly one thing/,
    ],
    [
      'an unknown step key',
      withSteps('  - id: a', '    action: edr.find_host', '    witj: { hostname: x }'),
      7,
      /^step "a": witj: unknown key "witj"; did you mean "with"\? \(action steps take id, name, if, .*with\)/,
    ],
    [
      'foreach on a kind that does not repeat',
      withSteps('  - id: a', "    foreach: '{{ [1, 2] }}'", '    notify: { text: hi }'),
      6,
      /^step "a": foreach: only action and playbook steps repeat per item; a notify step cannot take foreach/,
    ],
    [
      'a step id used twice, nested',
      withSteps(
        '  - id: a',
        '    action: edr.find_host',
        '  - id: b',
        "    if: 'true'",
        '    then:',
        '      - { id: a, succeed: ok }',
      ),
      10,
      /^step "a": id: "a" is used twice \(first at line 5\); step ids must be unique across the whole playbook, nested steps included/,
    ],
    [
      'a bad step id',
      withSteps('  - id: Find_Host', '    action: edr.find_host'),
      5,
      /^step #1: id: "Find_Host" is not a valid step id/,
    ],
    [
      'a template that does not compile',
      withSteps('  - id: a', '    action: edr.find_host', '    with:', '      hostname: "{{ alert.( }}"'),
      8,
      /^step "a": with\.hostname: invalid expression "\{\{ alert\.\( \}\}": .*templates are JSONata/,
    ],
    [
      'a foreach that does not compile',
      withSteps('  - id: a', '    action: intel.lookup', "    foreach: '{{ alert.observables[ }}'"),
      7,
      /^step "a": foreach: invalid expression/,
    ],
    [
      'an unknown capability',
      withSteps('  - id: a', '    action: edr.isolate'),
      6,
      /^step "a": action: unknown action "edr\.isolate": not a capability, a built-in or an installed integration's action \(known edr actions: edr\.find_host, edr\.isolate_host/,
    ],
    [
      'a malformed action name',
      withSteps('  - id: a', '    action: isolate host'),
      6,
      /^step "a": action: "isolate host" is not an action name; write <capability or integration>\.<action>/,
    ],
    [
      'an unknown undo action',
      withSteps('  - id: a', '    action: edr.isolate_host', '    compensate: { action: edr.unisolate }'),
      7,
      /^step "a": compensate\.action: unknown action "edr\.unisolate"/,
    ],
    [
      'an unknown notify channel action',
      withSteps('  - id: a', '    notify: { text: hi, via: chat.post }'),
      6,
      /^step "a": notify\.via: unknown action "chat\.post"/,
    ],
    [
      'a playbook that starts itself',
      withSteps('  - id: a', '    playbook: sample'),
      6,
      /^step "a": playbook: a playbook cannot run itself as a child/,
    ],
    [
      'a bad step timeout',
      withSteps('  - id: a', '    action: edr.find_host', '    timeout: 5 minutes'),
      7,
      /^step "a": timeout: must be a duration such as 30s, 15m, 4h or 1d .*got "5 minutes"/,
    ],
    [
      'a bad retry interval',
      withSteps('  - id: a', '    action: edr.find_host', '    retry: { initial_interval: fast }'),
      7,
      /^step "a": retry\.initial_interval: must be a duration/,
    ],
    [
      'a zero step timeout',
      withSteps('  - id: a', '    action: edr.find_host', '    timeout: 0s'),
      7,
      /^step "a": timeout: must be longer than zero, such as 500ms or 30s; got "0s"/,
    ],
    [
      'a zero retry interval',
      withSteps('  - id: a', '    action: edr.find_host', '    retry: { initial_interval: 0.0ms }'),
      7,
      /^step "a": retry\.initial_interval: must be longer than zero/,
    ],
    [
      'a zero wait',
      withSteps('  - id: a', '    wait: { duration: 0m }'),
      6,
      /^step "a": wait\.duration: must be longer than zero/,
    ],
    [
      'a bad approval timeout',
      withSteps('  - id: a', '    approval:', '      prompt: ok', '      timeout: soon'),
      8,
      /^step "a": approval\.timeout: must be a duration .*got "soon"/,
    ],
    [
      'quorum 0',
      withSteps('  - id: a', '    approval:', '      prompt: ok', '      quorum: 0'),
      8,
      /^step "a": approval\.quorum: must be a whole number ≥ 1, got 0/,
    ],
    [
      'reject_quorum 0',
      withSteps('  - id: a', '    approval:', '      prompt: ok', '      reject_quorum: 0'),
      8,
      /^step "a": approval\.reject_quorum: must be a whole number ≥ 1, got 0/,
    ],
    [
      'a quorum the named users cannot reach',
      withSteps(
        '  - id: a',
        '    approval:',
        '      prompt: ok',
        '      approvers: { users: [alice] }',
        '      quorum: 2',
      ),
      9,
      /^step "a": approval\.quorum: is 2 but only 1 named user\(s\) may decide/,
    ],
    [
      'escalate with no levels',
      withSteps(
        '  - id: a',
        '    approval:',
        '      prompt: ok',
        '      timeout: 15m',
        '      on_timeout: escalate',
      ),
      9,
      /^step "a": approval\.on_timeout: escalate needs a non-empty escalate list of levels, e.g\. escalate: \[/,
    ],
    [
      'levels without on_timeout: escalate',
      withSteps(
        '  - id: a',
        '    approval:',
        '      prompt: ok',
        '      escalate: [{ approvers: { roles: [admin] } }]',
      ),
      8,
      /^step "a": approval\.escalate: is only used with on_timeout: escalate/,
    ],
    [
      'an escalation level naming nobody',
      withSteps(
        '  - id: a',
        '    approval:',
        '      prompt: ok',
        '      on_timeout: escalate',
        '      escalate:',
        '        - { timeout: 30m }',
      ),
      10,
      /^step "a": approval\.escalate\[0\]\.approvers: required: who decides at this level/,
    ],
    [
      'an unknown approver role',
      withSteps(
        '  - id: a',
        '    approval:',
        '      prompt: ok',
        '      approvers:',
        '        roles: [responders]',
      ),
      9,
      /^step "a": approval\.approvers\.roles\[0\]: unknown role "responders"; roles are viewer, analyst, responder, admin; did you mean "responder"\?/,
    ],
    [
      'approvers naming nobody',
      withSteps('  - id: a', '    approval:', '      prompt: ok', '      approvers: { roles: [] }'),
      8,
      /^step "a": approval\.approvers: names nobody who may decide/,
    ],
    [
      'concurrency without foreach',
      withSteps('  - id: a', '    action: edr.find_host', '    concurrency: 3'),
      7,
      /^step "a": concurrency: only applies with foreach/,
    ],
    [
      'concurrency out of range',
      withSteps('  - id: a', '    action: intel.lookup', "    foreach: '{{ [1] }}'", '    concurrency: 500'),
      8,
      /^step "a": concurrency: must be a whole number from 1 to 100, got 500/,
    ],
    [
      'a wait with neither duration nor event',
      withSteps('  - id: a', '    wait: { timeout: 1h }'),
      6,
      /^step "a": wait: needs a duration \(e\.g\. \{ duration: 24h \}\) or an event/,
    ],
    [
      'a wait with both duration and event',
      withSteps('  - id: a', '    wait: { duration: 1h, event: case.updated }'),
      6,
      /^step "a": wait: has both duration and event; wait for one/,
    ],
    [
      'a timed wait with a condition',
      withSteps('  - id: a', '    wait:', '      duration: 1h', '      when: status = "CLOSED"'),
      8,
      /^step "a": wait\.when: only applies when waiting for an event/,
    ],
    [
      'a set key that is no identifier',
      withSteps('  - id: a', '    set:', '      is-bad: true'),
      7,
      /^step "a": set\.is-bad: "is-bad" is not a variable name; .* e\.g\. is_bad/,
    ],
    [
      'a notify without text',
      withSteps('  - id: a', '    notify: { to: soc }'),
      6,
      /^step "a": notify\.text: required: a non-empty string/,
    ],
    [
      'a fail without a message',
      withSteps('  - id: a', '    fail:'),
      6,
      /^step "a": fail: needs a message saying why the run fails/,
    ],
    [
      'on_error with a bad value',
      withSteps('  - id: a', '    action: edr.find_host', '    on_error: contine'),
      7,
      /^step "a": on_error: must be fail, continue or \{ goto: .* got "contine"; did you mean "continue"\?/,
    ],
    [
      'a branch without an if',
      withSteps('  - id: a', '    then: [{ id: b, succeed: ok }]'),
      6,
      /^step "a": then: an if\/then branch needs an if condition/,
    ],
    [
      'else without then',
      withSteps('  - id: a', "    if: 'true'", '    else: [{ id: b, succeed: ok }]'),
      7,
      /^step "a": else: only an if\/then branch has else/,
    ],
  ];

  // Rows become objects: a callback with more parameters than a row has would be taken for `done`.
  const rows = cases.map(([name, source, line, message, options]) => ({
    name,
    source,
    line,
    message,
    options,
  }));
  it.each(rows)('reports $name with its line', ({ source, line, message, options }) => {
    const problems = problemsOf(source, options ?? { knownActions: actionCatalogue([falcon]) });
    expect(problems).toContainEqual(
      expect.objectContaining({ line, message: expect.stringMatching(message) }),
    );
  });

  it('names the step of each problem and lists them in file order', () => {
    const problems = problemsOf(
      withSteps(
        '  - id: b',
        '    action: edr.isolate',
        '  - id: a',
        '    approval: { prompt: ok, timeout: soon }',
      ),
    );
    expect(problems.map((p) => [p.line, p.stepId])).toEqual([
      [6, 'b'],
      [8, 'a'],
    ]);
  });
});
