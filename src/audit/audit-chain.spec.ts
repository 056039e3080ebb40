import {
  canonicalJson,
  changeDigest,
  ChainChecker,
  contentAroundSeq,
  nextRow,
  rowHash,
  sha256Hex,
  withoutSecrets,
} from './audit-chain';

describe('audit chain rules', () => {
  it('writes canonical JSON: sorted keys at every level, no undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('digests dates, and the Invalid Date of a refused input as JSON would (null)', () => {
    expect(canonicalJson({ at: new Date('2026-11-23T00:00:00Z') })).toBe('{"at":"2026-11-23T00:00:00.000Z"}');
    expect(canonicalJson({ at: new Date('yesterday') })).toBe('{"at":null}');
  });

  it('digests a change without holding its secrets in clear', () => {
    const input = {
      integrationId: 'crowdstrike-falcon',
      secrets: { clientId: 'id-1', clientSecret: 'hunter2' },
      nested: [{ apiKey: 'k-1', name: 'n' }],
    };
    const redacted = JSON.stringify(withoutSecrets(input));
    for (const secret of ['id-1', 'hunter2', 'k-1']) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('crowdstrike-falcon');
    // A changed secret still changes the digest.
    expect(changeDigest(input)).not.toBe(
      changeDigest({ ...input, secrets: { ...input.secrets, clientSecret: 'other' } }),
    );
    expect(changeDigest(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the digests of chains already written: the same input gives the same digest', () => {
    // Recorded before the one-pass writer; a digest that changed would no longer match its change.
    const input = {
      integrationId: 'crowdstrike-falcon',
      secrets: {
        clientId: 'id-1',
        clientSecret: 'hunter2',
        rotatedAt: new Date('2026-11-23T00:00:00Z'),
        extra: { deep: ['a', 1, null] },
      },
      nested: [{ apiKey: 'k-1', name: 'n', skip: undefined }, [1.5, null, undefined, -0]],
      ünï: 'é\u2028',
      at: new Date('yesterday'),
      n: NaN,
      big: 10n,
      Password: null,
      token: undefined,
      list: [],
      obj: {},
    };
    expect(changeDigest(input)).toBe('489a341cbc5ef4fbe64c65dbad3ce352e2b7dc2ec7d0d07cd6612e2844bffd0d');
    expect(changeDigest(input)).toBe(sha256Hex(canonicalJson(withoutSecrets(input))));
  });

  it('writes a batch as JSON.stringify would with sorted keys, each repeated secret redacted', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    // Member names repeat across items (they are remembered once written): every item must still
    // be written in full and every token redacted, whichever item named it first.
    const batch = Array.from({ length: 50 }, (_, i) => ({
      title: `alert ${i} "quoted" \\ \u00e9`,
      severity: i % 2 ? 'HIGH' : 'LOW',
      observables: [{ type: 'IP', value: `192.0.2.${i}` }],
      raw: { z: i, a: [true, null, { token: `t-${i}`, b: 'x' }], 'odd key': { n: -i / 3 } },
    }));
    expect(canonicalJson(batch)).toBe(JSON.stringify(sorted(batch)));
    expect(changeDigest({ input: batch })).toBe(sha256Hex(canonicalJson(withoutSecrets({ input: batch }))));
    expect(JSON.stringify(withoutSecrets({ input: batch }))).not.toContain('t-49');
  });

  it('hashes a row as the canonical JSON of its content, whoever fills in the sequence', () => {
    const base = {
      id: '5b0c6f0e-7a3e-4d7c-9a53-1f7f3c1d2e4f',
      tenantId: null as string | null,
      seq: 41,
      actorId: 'apikey:1',
      actorKind: 'apiKey',
      actorName: 'Ops "key" ü',
      action: 'action.call edr.isolate_host',
      targetType: null as string | null,
      targetId: null as string | null,
      requestId: null as string | null,
      createdAt: new Date('2026-11-24T01:02:03.004Z'),
      outcome: 'SUCCESS',
      changeDigest: null as string | null,
      detail: { vendor: 'falcon', seq: 7, nested: { b: [1, null], a: 'x' } } as Record<string, unknown>,
      prevHash: 'f'.repeat(64),
    };
    // The formula as first written: canonicalJson of the whole content.
    const reference = (row: typeof base) =>
      sha256Hex(
        `${row.prevHash}\n${canonicalJson({
          id: row.id,
          tenantId: row.tenantId,
          seq: row.seq,
          actor: { id: row.actorId, kind: row.actorKind, name: row.actorName },
          action: row.action,
          target: row.targetType === null ? null : { type: row.targetType, id: row.targetId },
          requestId: row.requestId,
          at: row.createdAt.toISOString(),
          outcome: row.outcome,
          changeDigest: row.changeDigest,
          detail: row.detail,
        })}`,
      );
    const variants = [
      base,
      { ...base, tenantId: '0d3c2b1a-0000-4000-8000-000000000001', seq: 1, requestId: 'req-1' },
      { ...base, targetType: 'case', targetId: 'c-1', changeDigest: 'a'.repeat(64), seq: 123456789 },
    ];
    for (const row of variants) {
      expect(rowHash(row)).toBe(reference(row));
      const { before, after } = contentAroundSeq(row);
      expect(`${before}${row.seq}${after}`).toBe(
        canonicalJson(JSON.parse(`${before}${row.seq}${after}`) as unknown),
      );
    }
    expect(rowHash(base)).toBe('3beee55c0322e4d20976246b5a6b9188f2199a8e5632522f2eee875363fbf1c9');
  });

  it('chains rows and names the first one that no longer fits', () => {
    const event = { actor: { id: 'a', kind: 'apiKey', name: 'A' }, action: 'x', outcome: 'SUCCESS' as const };
    const first = nextRow(null, { id: 'r1', tenantId: null, createdAt: new Date(0) }, event);
    const second = nextRow(first, { id: 'r2', tenantId: null, createdAt: new Date(1) }, event);
    expect(second.prevHash).toBe(first.hash);
    expect(rowHash(second)).toBe(second.hash);

    const ok = new ChainChecker();
    expect([first, second].map((r) => ok.check(r))).toEqual([null, null]);

    const edited = new ChainChecker();
    edited.check(first);
    expect(edited.check({ ...second, outcome: 'FAILURE' })).toMatchObject({ seq: 2, id: 'r2' });
  });
});
