import jsonata from 'jsonata';
import { evaluateCondition, evaluateExpression, renderTemplate, TemplateError } from './templates';

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

describe('dotted paths answered without JSONata', () => {
  const data = {
    ...scope,
    vars: { zero: 0, empty: '', no: false, nothing: null, obj: { a: 1 }, list: [{ a: 1 }, { a: 2 }] },
    case: { number: 42, tags: ['x'] },
    true: 'a field named true',
  };
  const expressions = [
    'inputs.n',
    'steps.host.output.host_id',
    ' steps.host.output ',
    'steps.nope.output',
    'steps.host.output.host_id.length',
    'vars.zero',
    'vars.empty',
    'vars.no',
    'vars.nothing',
    'vars.nothing.a',
    'vars.obj',
    'vars.list',
    'vars.list.a',
    'case.number',
    'case.tags',
    'alert.observables.value',
    'vars.obj.constructor',
    'vars.toString',
    'true',
    'null',
    'inputs',
  ];

  it.each(expressions)('%s gives what JSONata gives', async (expression) => {
    const expected: unknown = await jsonata(expression).evaluate(data);
    expect(await evaluateExpression(expression, data)).toEqual(expected);
    expect(await renderTemplate(`{{${expression}}}`, data)).toEqual(expected);
  });

  it('renders a whole step input the same with and without quick paths', async () => {
    const input = {
      host: '{{ steps.host.output.host_id }}',
      note: 'case {{ case.number }}: {{ alert.observables[type = "HOSTNAME"][0].value }}',
      ids: ['{{ vars.list.a }}', '{{ vars.zero }}', 'plain'],
      n: 7,
    };
    // JSONata marks the sequence it built (vars.list.a) with a property of its own: compare values.
    expect(JSON.parse(JSON.stringify(await renderTemplate(input, data)))).toEqual({
      host: 'abc',
      note: 'case 42: WS-01',
      ids: [[1, 2], 0, 'plain'],
      n: 7,
    });
  });
});
