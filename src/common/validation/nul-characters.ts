import type { RequestHandler } from 'express';

/**
 * PostgreSQL stores neither text nor jsonb containing U+0000, so a NUL that gets past the API
 * fails the write with an internal error. Parsed JSON bodies are checked for one (in any string,
 * key or value) before anything else looks at them.
 */
export const NUL_MESSAGE = 'strings may not contain NUL (\\u0000) characters';

/** Whether a parsed JSON value holds a NUL anywhere; iterative, so deep nesting cannot overflow. */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Right after the JSON body parser: answers 400 in the GraphQL error shape, as the parser's own refusals. */
export function nulCharacterGuard(): RequestHandler {
  return (req, res, next) => {
    if (!holdsNul(req.body)) return next();
    res
      .status(400)
      .json({ errors: [{ message: `body: ${NUL_MESSAGE}`, extensions: { code: 'BAD_USER_INPUT' } }] });
  };
}
