import type { RequestHandler } from 'express';

/**
 * PostgreSQL stores neither text nor jsonb containing U+0000, and jsonb refuses an unpaired
 * UTF-16 surrogate (JSON allows the escape, "\\udfff", but it names no character), so either
 * one that gets past the API fails a write with an internal error. Parsed JSON bodies are checked
 * (every string, key or value) before anything else looks at them.
 */
export const UNSTORABLE_TEXT_MESSAGE =
  'strings may not contain NUL (\\u0000) characters or unpaired UTF-16 surrogates (\\ud800-\\udfff)';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !s.includes('\u0000') && !UNPAIRED_SURROGATE.test(s);

/** Whether a parsed JSON value holds unstorable text anywhere; iterative, so deep nesting cannot overflow. */
export function holdsUnstorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!storable(v)) return true;
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (!storable(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Right after the JSON body parser: answers 400 in the GraphQL error shape, as the parser's own refusals. */
export function unstorableTextGuard(): RequestHandler {
  return (req, res, next) => {
    if (!holdsUnstorableText(req.body)) return next();
    res.status(400).json({
      errors: [{ message: `body: ${UNSTORABLE_TEXT_MESSAGE}`, extensions: { code: 'BAD_USER_INPUT' } }],
    });
  };
}
