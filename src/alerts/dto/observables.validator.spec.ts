import { ListValidationPipe } from '../../common/errors/list-validation.pipe';
import { AlertInput } from './alert.input';
import { observableProblems } from './observables.validator';

describe('observables of an alert input', () => {
  it('accepts typed, non-empty values', () => {
    expect(
      observableProblems([
        { type: 'HOSTNAME', value: 'WS-01' },
        { type: 'IP', value: '192.0.2.1' },
      ]),
    ).toEqual([]);
  });

  it('names each item and field that is wrong', () => {
    expect(
      observableProblems([
        { type: 'HOSTNAME', value: '' },
        { type: 'PLANET', value: 'x'.repeat(2049) },
        { type: 'IP', value: 7, note: 'extra' },
        'WS-01',
      ]),
    ).toEqual([
      'observables[0].value should not be empty',
      expect.stringMatching(/^observables\[1\]\.type must be one of the following values: IP, .*HOSTNAME/),
      'observables[1].value must be shorter than or equal to 2048 characters',
      'observables[2]: property note should not exist',
      'observables[2].value must be a string',
      'observables[3] must be an object with a type and a value',
    ]);
  });

  it('refuses a batch naming the alert and the observable', async () => {
    const pipe = new ListValidationPipe(AlertInput, 'input', 500);
    const ok = {
      source: 'edr',
      title: 'T',
      severity: 'LOW',
      observables: [{ type: 'HOSTNAME', value: 'WS-01' }],
    };
    await expect(pipe.transform([ok])).resolves.toHaveLength(1);
    const failure = await pipe
      .transform([
        ok,
        {
          ...ok,
          observables: [
            { type: 'HOSTNAME', value: 'WS-01' },
            { type: 'USER', value: '' },
          ],
        },
      ])
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe(
      'invalid input: input[1].observables: observables[1].value should not be empty',
    );
    expect(failure).toMatchObject({ details: { fields: ['input[1].observables'] } });
  });
});
