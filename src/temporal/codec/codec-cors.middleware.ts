import type { RequestHandler } from 'express';
import { httpStatusFor } from '../../common/errors/app-error';
import { CodecException } from './codec.exception';

/**
 * CORS for the codec endpoint only, so the Temporal UI (served from its own origin) can call it.
 * Only origins listed in CORDON_CODEC_CORS_ORIGINS are answered; the preflight is answered here,
 * before the auth guard, because browsers send it without credentials.
 */
export function codecCors(allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.header('origin');
    const allowed = origin !== undefined && allowedOrigins.includes(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Vary', 'Origin');
    if (req.method !== 'OPTIONS') return next();
    if (!allowed) {
      const refused = CodecException.originRefused(origin);
      res
        .status(httpStatusFor(refused.code))
        .json({ error: { code: refused.code, message: refused.message } });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
