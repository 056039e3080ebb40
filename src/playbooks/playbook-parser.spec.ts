import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlaybook } from './playbook-parser';
import { projectRoot } from '../config/paths';

describe('parsePlaybook', () => {
  it('accepts every shipped playbook', () => {
    const dir = path.join(projectRoot(), 'playbooks');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const result = parsePlaybook(fs.readFileSync(path.join(dir, f), 'utf8'));
      expect(result.ok ? [] : result.problems).toEqual([]);
    }
  });

  it('names the line and step of each problem', () => {
    const source = [
      'id: broken',
      'name: Broken',
      'trigger: { event: alert.created }',
      'steps:',
      '  - id: one',
      '    action: edr.find_host',
      '    with: { hostname: "{{ alert.( }}" }',
      '  - id: one',
      '    approval: { prompt: ok, timeout: soon }',
    ].join('\n');
    const result = parsePlaybook(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stepId: 'one',
          line: 7,
          message: expect.stringContaining('with: invalid expression'),
        }),
        expect.objectContaining({ line: 8, message: expect.stringContaining('used twice') }),
        expect.objectContaining({ message: expect.stringContaining('approval.timeout') }),
      ]),
    );
  });

  it('rejects YAML that is not a mapping', () => {
    expect(parsePlaybook('- a\n- b').ok).toBe(false);
    expect(parsePlaybook('id: [unclosed').ok).toBe(false);
  });
});
