import { evaluateCondition, renderTemplate, TemplateError } from './templates';

const scope = {
  alert: { severity: 'HIGH', observables: [{ type: 'HOSTNAME', value: 'WS-01' }], techniques: ['T1486'] },
  steps: { host: { output: { host_id: 'abc', os: 'Windows' } }, approve: { decision: 'approved' } },
  inputs: { n: 3 },
};

describe('templates', () => {
  it('keeps the type of a value that is one whole template', async () => {
    expect(await renderTemplate('{{ inputs.n }}', scope)).toBe(3);
    expect(await renderTemplate({ ids: ['{{ steps.host.output.host_id }}'] }, scope)).toEqual({
      ids: ['abc'],
    });
  });

  it('interpolates text around templates', async () => {
    expect(
      await renderTemplate('Isolate {{ steps.host.output.host_id }} ({{ steps.host.output.os }})?', scope),
    ).toBe('Isolate abc (Windows)?');
    expect(await renderTemplate('missing: [{{ steps.nope.output }}]', scope)).toBe('missing: []');
  });

  it('evaluates conditions with or without braces', async () => {
    expect(await evaluateCondition('{{ steps.approve.decision = "approved" }}', scope)).toBe(true);
    expect(
      await evaluateCondition('alert.severity in ["HIGH","CRITICAL"] and "T1486" in alert.techniques', scope),
    ).toBe(true);
    expect(await evaluateCondition('alert.severity = "LOW"', scope)).toBe(false);
  });

  it('names the expression that failed', async () => {
    await expect(renderTemplate('{{ steps.( }}', scope)).rejects.toThrow(TemplateError);
    await expect(renderTemplate('{{ steps.( }}', scope)).rejects.toThrow(/cannot evaluate "steps.\("/);
  });
});
