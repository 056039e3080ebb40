import type { NextFunction, Request, Response } from 'express';
import { bodyParserErrorHandler } from './body-parser-error.handler';

/** An error as body-parser raises it (http-errors with `type`, `status` and `expose`). */
function parserError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, type, expose: status < 500 });
}

function run(err: unknown) {
  const res = { status: jest.fn(), json: jest.fn() };
  res.status.mockReturnValue(res);
  const next = jest.fn();
  bodyParserErrorHandler(16 * 1024 * 1024)(
    err,
    {} as Request,
    res as unknown as Response,
    next as NextFunction,
  );
  return { res, next };
}

describe('bodyParserErrorHandler', () => {
  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE naming the limit', () => {
    const { res, next } = run(parserError(413, 'entity.too.large', 'request entity too large'));
    expect(res.status).toHaveBeenCalledWith(413);
    expect(res.json).toHaveBeenCalledWith({
      errors: [{ message: 'body: larger than the 16 MB limit', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(next).not.toHaveBeenCalled();
  });

  it('answers malformed JSON with 400 BAD_USER_INPUT and the parser’s reason', () => {
    const { res } = run(parserError(400, 'entity.parse.failed', 'Unexpected end of JSON input'));
    expect(res.status).toHaveBeenCalledWith(400);
    expect(res.json).toHaveBeenCalledWith({
      errors: [
        {
          message: 'body: not valid JSON (Unexpected end of JSON input)',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });

  it('keeps the status of other client errors, such as an unsupported charset (415)', () => {
    const { res } = run(parserError(415, 'charset.unsupported', 'unsupported charset "UTF-7"'));
    expect(res.status).toHaveBeenCalledWith(415);
    expect(res.json.mock.calls[0][0].errors[0]).toEqual({
      message: 'body: unsupported charset "UTF-7"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('passes on anything that is not a client error from the parser', () => {
    for (const err of [new Error('boom'), parserError(500, 'stream.encoding.set', 'stream encoding set')]) {
      const { res, next } = run(err);
      expect(next).toHaveBeenCalledWith(err);
      expect(res.status).not.toHaveBeenCalled();
    }
  });
});
