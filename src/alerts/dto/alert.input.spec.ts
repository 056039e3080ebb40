import { plainToInstance } from 'class-transformer';
import { ListValidationPipe } from '../../common/errors/list-validation.pipe';
import { AlertInput } from './alert.input';

const valid = {
  source: 'crowdstrike',
  sourceRef: 'ldt:1',
  title: 'Ransomware',
  severity: 'HIGH',
  techniques: ['T1486'],
  observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
  raw: { nested: { deep: [1, { x: 'y' }] } },
};

/** Plain inputs as GraphQL and the webhook normalisers hand them over, good and bad. */
const inputs: unknown[] = [
  valid,
  { ...valid, detectedAt: new Date('2026-11-24T10:00:00Z') },
  { ...valid, detectedAt: '2026-11-24T10:00:00Z' },
  { ...valid, detectedAt: 1_795_000_000_000 },
  { ...valid, detectedAt: 'yesterday' },
  { ...valid, detectedAt: null },
  { ...valid, detectedAt: true },
  { ...valid, title: '', severity: 'SEVERE', techniques: ['T1'] },
  { ...valid, unexpected: 'field' },
  { ...valid, observables: [{ type: 'PLANET', value: '' }] },
  { ...valid, raw: 'x'.repeat(300_000) },
  { title: 'no source' },
  JSON.parse('{"source":"siem","title":"t","severity":"LOW","__proto__":{"polluted":true}}'),
  'not an object',
  null,
  [valid],
];

/** Dates by their time, so an Invalid Date equals another (Jest holds NaN dates unequal). */
const shape = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, x instanceof Date ? `Date(${x.getTime()})` : x]),
      )
    : v;

describe('AlertInput.fromPlain', () => {
  it('makes what plainToInstance makes, without copying nested values', () => {
    for (const plain of inputs) {
      const fast = AlertInput.fromPlain(plain);
      const slow: unknown = plainToInstance(AlertInput, plain);
      expect(shape(fast)).toEqual(shape(slow));
      if (plain !== null) expect(Object.getPrototypeOf(fast)).toBe(Object.getPrototypeOf(slow));
    }
    const item = AlertInput.fromPlain(valid);
    expect(item.raw).toBe(valid.raw);
    expect(AlertInput.fromPlain({ ...valid, detectedAt: 'yesterday' }).detectedAt).toBeInstanceOf(Date);
  });

  it('gets the same validation answer as plainToInstance for every input, item by item', async () => {
    const answer = async (pipe: ListValidationPipe<AlertInput>, plain: unknown) =>
      pipe.transform([plain]).then(
        (items) => ({ ok: JSON.stringify(items) }),
        (err: Error) => ({ error: err.message }),
      );
    const fast = new ListValidationPipe(AlertInput, 'input', 10, AlertInput.fromPlain);
    const slow = new ListValidationPipe(AlertInput, 'input', 10);
    const answers: unknown[] = [];
    for (const plain of inputs) {
      const a = await answer(fast, plain);
      expect(a).toEqual(await answer(slow, plain));
      answers.push(a);
    }
    // The list above holds both kinds, so the comparison covered each.
    expect(answers.filter((a) => 'ok' in (a as object)).length).toBeGreaterThanOrEqual(5);
    expect(answers.filter((a) => 'error' in (a as object)).length).toBeGreaterThanOrEqual(8);
  });
});
