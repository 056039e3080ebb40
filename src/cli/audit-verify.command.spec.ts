import { runAuditVerify } from './audit-verify.command';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('cordon audit verify: arguments and connection', () => {
  const unreachable = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));

  it('refuses a tenant that is not a UUID and unknown arguments, before connecting', async () => {
    const opened: string[] = [];
    const open = () => {
      opened.push('open');
      return unreachable();
    };
    for (const [argv, message] of [
      [['--tenant', 'acme'], '--tenant: "acme" is not a tenant id (a UUID)'],
      [['--tenant'], '--tenant needs a tenant id'],
      [['--all'], 'unknown argument "--all"'],
    ] as const) {
      const c = capture();
      expect(await runAuditVerify([...argv], c.io, open)).toBe(2);
      expect(c.err).toEqual([message, 'usage: cordon audit verify [--tenant <id>]']);
    }
    expect(opened).toEqual([]);
  });

  it('exits 2 naming why it could not open the database', async () => {
    const c = capture();
    expect(await runAuditVerify([], c.io, unreachable)).toBe(2);
    expect(c.err).toEqual(['cannot open the database: connect ECONNREFUSED 127.0.0.1:1']);
  });
});
