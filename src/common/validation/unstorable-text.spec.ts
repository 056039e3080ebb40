import type { Request, Response } from 'express';
import { holdsUnstorableText, UNSTORABLE_TEXT_MESSAGE, unstorableTextGuard } from './unstorable-text';

describe('unstorable text in JSON bodies: NUL, unpaired surrogates', () => {
  it.each([
    ['{"title":"a\\u0000b"}', true],
    ['{"raw":{"k":["x","\\u0000"]}}', true],
    ['{"a\\u0000":1}', true],
    ['{"title":"a\\\\u0000b"}', false], // the six characters \u0000, no NUL
    ['{"title":"\\u0001"}', false],
    ['[1,null,true,{"a":[]}]', false],
    ['{"title":"\\udfff"}', true], // a lone low surrogate
    ['{"title":"x\\ud800"}', true], // a high one at the end
    ['{"\\ud83dk":1}', true], // in a key
    ['{"title":"\\ud83d\\udd12 locked"}', false], // a pair: one emoji
  ])('%s → %s', (json, expected) => {
    expect(holdsUnstorableText(JSON.parse(json))).toBe(expected);
  });

  it('walks deep nesting without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
    expect(holdsUnstorableText(deep)).toBe(true);
  });

  it('answers 400 BAD_USER_INPUT before anything else sees the body', () => {
    const json = jest.fn();
    const res = { status: jest.fn(() => ({ json })) } as unknown as Response;
    const next = jest.fn();
    unstorableTextGuard()({ body: { query: 'q', variables: { t: 'a\u0000' } } } as Request, res, next);
    expect(res.status).toHaveBeenCalledWith(400);
    expect(json).toHaveBeenCalledWith({
      errors: [
        {
          message: `body: ${UNSTORABLE_TEXT_MESSAGE}`,
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(next).not.toHaveBeenCalled();
    unstorableTextGuard()({ body: { query: 'q' } } as Request, res, next);
    expect(next).toHaveBeenCalled();
  });
});
