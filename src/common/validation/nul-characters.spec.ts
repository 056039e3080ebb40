import type { Request, Response } from 'express';
import { holdsNul, nulCharacterGuard } from './nul-characters';

describe('NUL characters in JSON bodies', () => {
  it.each([
    ['{"title":"a\\u0000b"}', true],
    ['{"raw":{"k":["x","\\u0000"]}}', true],
    ['{"a\\u0000":1}', true],
    ['{"title":"a\\\\u0000b"}', false], // the six characters \u0000, no NUL
    ['{"title":"\\u0001"}', false],
    ['[1,null,true,{"a":[]}]', false],
  ])('%s → %s', (json, expected) => {
    expect(holdsNul(JSON.parse(json))).toBe(expected);
  });

  it('walks deep nesting without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
    expect(holdsNul(deep)).toBe(true);
  });

  it('answers 400 BAD_USER_INPUT before anything else sees the body', () => {
    const json = jest.fn();
    const res = { status: jest.fn(() => ({ json })) } as unknown as Response;
    const next = jest.fn();
    nulCharacterGuard()({ body: { query: 'q', variables: { t: 'a\u0000' } } } as Request, res, next);
    expect(res.status).toHaveBeenCalledWith(400);
    expect(json).toHaveBeenCalledWith({
      errors: [
        {
          message: 'body: strings may not contain NUL (\\u0000) characters',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(next).not.toHaveBeenCalled();
    nulCharacterGuard()({ body: { query: 'q' } } as Request, res, next);
    expect(next).toHaveBeenCalled();
  });
});
