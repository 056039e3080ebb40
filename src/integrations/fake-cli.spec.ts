import { runFakeCli } from './fake-cli';

describe('fake-cli', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it('starts the named fake and says where it listens and where the calls are', async () => {
    const t = io();
    const result = await runFakeCli(['crowdstrike-falcon', '--port', '0'], t.io);
    try {
      expect(result.code).toBe(0);
      const url = result.server!.url;
      expect(t.out).toEqual([
        `crowdstrike-falcon fake listening on ${url}`,
        expect.stringContaining(`${url}/__calls`),
      ]);
      expect((await fetch(`${url}/__calls`)).status).toBe(200);
    } finally {
      await result.server?.stop();
    }
  });

  it('exits 2 listing the known ids for an unknown integration', async () => {
    const t = io();
    expect((await runFakeCli(['nope'], t.io)).code).toBe(2);
    expect(t.err[0]).toMatch(/unknown integration "nope"; known: .*crowdstrike-falcon/);
  });

  it.each([[[]], [['crowdstrike-falcon', '--port', 'x']], [['a', 'b']]])(
    'exits 2 with usage for %j',
    async (argv) => {
      const t = io();
      expect((await runFakeCli(argv, t.io)).code).toBe(2);
      expect(t.err.at(-1)).toMatch(/^usage:/);
    },
  );
});
