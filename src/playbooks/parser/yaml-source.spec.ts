import { YamlSource } from './yaml-source';

describe('YamlSource', () => {
  it('reports an alias bomb as a YAML problem instead of throwing', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [i, name] of [...'bcdefghij'].entries()) {
      const prev = i === 0 ? 'a' : 'bcdefghij'[i - 1];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { problems } = YamlSource.parse(`${levels.join('\n')}\nid: bomb\n`);
    expect(problems).toEqual([
      { message: expect.stringMatching(/^YAML: Excessive alias count/), line: 1, stepId: null },
    ]);
  });

  it('still gives the value of a normal file, aliases included', () => {
    const { source, problems } = YamlSource.parse('base: &b { x: 1 }\ncopy: *b\n');
    expect(problems).toEqual([]);
    expect(source.toJS()).toEqual({ base: { x: 1 }, copy: { x: 1 } });
  });
});
