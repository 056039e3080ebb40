import { actionCatalogue } from '../../action-catalogue';
import { parsePlaybook, type ParseOptions } from '../../playbook-parser';
import { withSteps } from '../../testing/playbook-samples';

const problemsOf = (source: string, options?: ParseOptions) => {
  const result = parsePlaybook(source, options);
  return result.ok ? [] : result.problems;
};
const lines = (...l: string[]) => l.join('\n');
const installed = { knownActions: actionCatalogue([]), knownPlaybooks: ['sample', 'enrich-host'] };

/** What the parser says about meaning: step references in order, goto targets, reachability, children. */
describe('semantic checks', () => {
  it('lets a goto reach steps after an unconditional succeed, and an undo read its own step', () => {
    const source = withSteps(
      '  - { id: a, action: edr.find_host, on_error: { goto: failed } }',
      "  - { id: b, action: edr.isolate_host, compensate: { action: edr.release_host, with: { host_id: '{{ steps.b.output.host_id }}' } } }",
      '  - { id: done, succeed: ok }',
      "  - { id: failed, fail: 'lookup failed: {{ steps.a.output.error.message }}' }",
    );
    expect(problemsOf(source, installed)).toEqual([]);
  });

  // One broken playbook per kind of problem: the line it is reported on and what the message says.
  const cases: [string, string, number, RegExp][] = [
    [
      'an unknown step id in a template',
      withSteps(
        '  - id: host',
        '    action: edr.find_host',
        '  - id: b',
        '    action: edr.isolate_host',
        "    with: { host_id: '{{ steps.hots.output.host_id }}' }",
      ),
      9,
      /^step "b": with\.host_id: steps\.hots: unknown step id "hots"; did you mean "host"\?/,
    ],
    [
      'a step used before it runs',
      withSteps(
        '  - id: b',
        '    if: \'{{ steps.approve.decision = "approved" }}\'',
        '    action: edr.isolate_host',
        '  - id: approve',
        '    approval: { prompt: ok }',
      ),
      6,
      /^step "b": if: steps\.approve: is used before it runs: "approve" comes later at line 8/,
    ],
    [
      'an id with - read without quotes',
      withSteps(
        '  - id: find-host',
        '    action: edr.find_host',
        '  - id: b',
        "    set: { x: '{{ steps.find-host.output }}' }",
      ),
      8,
      /steps\.find: unknown step id "find"; an id with "-" must be quoted in JSONata: steps\.`find-host`/,
    ],
    [
      'a parallel sibling read too early',
      withSteps(
        '  - id: p',
        '    parallel:',
        '      - { id: a, action: edr.find_host }',
        "      - { id: b, set: { x: '{{ steps.a.output }}' } }",
      ),
      8,
      /^step "b": set\.x: steps\.a: "a" runs in parallel with this step \(both are branches of "p"\)/,
    ],
    [
      'the other side of a branch',
      withSteps(
        '  - id: br',
        "    if: 'true'",
        '    then: [{ id: a, action: edr.find_host }]',
        "    else: [{ id: b, set: { x: '{{ steps.a.output }}' } }]",
      ),
      8,
      /"a" is in the then list of branch "br" and this step in its else list: they never both run/,
    ],
    [
      'inputs that read a step',
      lines(
        'id: a',
        'name: A',
        'trigger: { event: manual }',
        'inputs:',
        "  host: '{{ steps.a.output }}'",
        'steps: [{ id: a, succeed: ok }]',
      ),
      5,
      /^inputs\.host: steps\.a: inputs are evaluated before any step runs/,
    ],
    [
      'a goto to an unknown step',
      withSteps(
        '  - id: a',
        '    action: edr.find_host',
        '    on_error: { goto: nope }',
        '  - { id: b, succeed: ok }',
      ),
      7,
      /^step "a": on_error\.goto: unknown step id "nope"; goto may only target a later step of this list \(later steps here: b\)/,
    ],
    [
      'a goto backwards (a cycle)',
      withSteps(
        '  - { id: a, action: edr.find_host }',
        '  - id: b',
        '    action: edr.isolate_host',
        '    on_error: { goto: a }',
      ),
      8,
      /^step "b": on_error\.goto: "a" comes before this step, so jumping back would loop \(a cycle: a → … → b → a\)/,
    ],
    [
      'a goto to itself (a cycle)',
      withSteps('  - id: a', '    action: edr.find_host', '    on_error: { goto: a }'),
      7,
      /^step "a": on_error\.goto: "a" is this step itself: it would run again and again \(a cycle\)/,
    ],
    [
      'a goto into another list',
      withSteps(
        '  - id: a',
        '    action: edr.find_host',
        '    on_error: { goto: inner }',
        '  - id: br',
        "    if: 'true'",
        '    then: [{ id: inner, succeed: ok }]',
      ),
      7,
      /^step "a": on_error\.goto: "inner" is not in the same step list as this step, so the jump can never happen/,
    ],
    [
      'a goto out of a parallel branch',
      withSteps(
        '  - id: p',
        '    parallel:',
        '      - { id: a, action: edr.find_host, on_error: { goto: b } }',
        '      - { id: b, action: edr.find_host }',
      ),
      7,
      /^step "a": on_error\.goto: a parallel branch runs on its own/,
    ],
    [
      'steps after an unconditional succeed',
      withSteps(
        '  - { id: done, succeed: ok }',
        '  - { id: a, action: edr.find_host }',
        '  - { id: b, action: edr.find_host }',
      ),
      6,
      /^step "a": can never run \(nor can step "b" after it\): step "done" before it always ends the run \(succeed without an if\)/,
    ],
    [
      'a step after a branch whose both sides fail',
      withSteps(
        '  - id: br',
        "    if: 'true'",
        "    then: [{ id: x, fail: 'no' }]",
        "    else: [{ id: y, fail: 'no' }]",
        '  - { id: a, action: edr.find_host }',
      ),
      9,
      /^step "a": can never run: step "br" before it always ends the run \(both its then and else lists end with succeed or fail\)/,
    ],
    [
      'an unknown child playbook',
      withSteps('  - id: a', '    playbook: enrich-hots'),
      6,
      /^step "a": playbook: unknown playbook "enrich-hots"; did you mean "enrich-host"\? \(known: enrich-host, sample\)/,
    ],
  ];

  // Rows become objects: a callback with more parameters than a row has would be taken for `done`.
  const rows = cases.map(([name, source, line, message]) => ({ name, source, line, message }));
  it.each(rows)('reports $name with its line', ({ source, line, message }) => {
    expect(problemsOf(source, installed)).toContainEqual(
      expect.objectContaining({ line, message: expect.stringMatching(message) }),
    );
  });
});
