import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Caps the serialised size of a free-form JSON value (a raw payload cannot be unbounded). */
export function MaxJsonSize(maxBytes: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'maxJsonSize',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be at most ${maxBytes} bytes of JSON`, ...options },
      validator: {
        validate: (value: unknown) =>
          value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= maxBytes,
      },
    });
}
