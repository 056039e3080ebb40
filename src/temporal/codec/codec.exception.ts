import { AppError } from '../../common/errors/app-error';

/** Codec endpoint errors. REST answers them through AppErrorFilter as `{ error: { code, message } }`. */
export class CodecException extends AppError {
  static wrongNamespace(asked: string, served: string): CodecException {
    return new CodecException(
      'BAD_USER_INPUT',
      `X-Namespace: this codec serves Temporal namespace "${served}", not "${asked}"`,
      { field: 'X-Namespace' },
    );
  }

  static notYours(index: number, labelled: boolean): CodecException {
    return new CodecException(
      'FORBIDDEN',
      labelled
        ? `payloads[${index}] belongs to another tenant's workflow; only that tenant's admins or provider admins may decode it`
        : `payloads[${index}] is not tied to a tenant's workflow; only provider admins may decode it`,
      { field: `payloads[${index}]` },
    );
  }

  static undecodable(index: number, reason: string): CodecException {
    return new CodecException('BAD_USER_INPUT', `payloads[${index}]: ${reason}`, {
      field: `payloads[${index}]`,
    });
  }

  static originRefused(origin: string | undefined): CodecException {
    return new CodecException(
      'FORBIDDEN',
      `origin ${origin ?? '(none)'} may not call the codec endpoint; list it in CORDON_CODEC_CORS_ORIGINS`,
    );
  }
}
