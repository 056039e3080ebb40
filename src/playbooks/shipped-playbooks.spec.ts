import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionCatalogue } from './action-catalogue';
import { readShippedPlaybooks } from './shipped-playbooks';

const playbook = (id: string, ...steps: string[]) =>
  [`id: ${id}`, `name: ${id}`, 'trigger: { event: manual }', 'steps:', ...steps].join('\n');

describe('readShippedPlaybooks', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-shipped-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

  it('reads a library whose playbooks start each other', () => {
    write('a.yaml', playbook('a', '  - { id: go, playbook: b }'));
    write('b.yml', playbook('b', '  - { id: x, action: edr.find_host }'));
    write('notes.txt', 'not a playbook');
    expect(readShippedPlaybooks(dir, actionCatalogue([])).map((p) => p.definition.id)).toEqual(['a', 'b']);
    expect(readShippedPlaybooks(path.join(dir, 'none'), actionCatalogue([]))).toEqual([]);
  });

  it('refuses the start with every file:line problem: invalid steps, twin ids, cycles', () => {
    write('a.yaml', playbook('a', '  - { id: go, playbook: b }'));
    write('b.yaml', playbook('b', '  - { id: back, playbook: a }'));
    write('c.yaml', playbook('c', '  - { id: x, action: edr.nope }'));
    write('d.yaml', playbook('a', '  - { id: x, action: edr.find_host }'));
    let message = '';
    try {
      readShippedPlaybooks(dir, actionCatalogue([]));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'invalid shipped playbooks:',
      expect.stringMatching(/c\.yaml:5: step "x": action: unknown action "edr\.nope"/),
      `${path.join(dir, 'd.yaml')}:1: id "a" is also the id of ${path.join(dir, 'a.yaml')}`,
      expect.stringMatching(/a\.yaml:5: step "go": playbook: child playbooks form a cycle a → b → a/),
      expect.stringMatching(/b\.yaml:5: step "back": playbook: child playbooks form a cycle a → b → a/),
    ]);
  });
});
