import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './app-error';

/** Flattens class-validator's tree into "path: message" lines that name the field. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix
      ? /^\d+$/.test(e.property)
        ? `${prefix}[${e.property}]`
        : `${prefix}.${e.property}`
      : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push(`${path}: ${message}`);
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
}

export function validationFailure(errors: ValidationError[], prefix = ''): AppError {
  const problems = describeValidationErrors(errors, prefix);
  return new AppError('BAD_USER_INPUT', `invalid input: ${problems.join('; ')}`, {
    fields: problems.map((p) => p.split(':')[0]),
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailure(errors),
  });
}
