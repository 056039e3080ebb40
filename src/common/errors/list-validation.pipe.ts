import { type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { AppError } from './app-error';
import { validationFailure } from './validation';

/**
 * Validates a list argument item by item (Nest's ValidationPipe sees only `Array`), naming the
 * failing item: "input[3].title: title should not be empty".
 */
export class ListValidationPipe<T extends object> implements PipeTransform<unknown[], Promise<T[]>> {
  /** `toItem` makes an item of the plain value; plainToInstance unless the type has a faster one. */
  constructor(
    itemType: Type<T>,
    private readonly argName: string,
    private readonly maxItems: number,
    private readonly toItem: (plain: unknown) => T = (plain) => plainToInstance(itemType, plain),
  ) {}

  async transform(value: unknown[]): Promise<T[]> {
    if (!Array.isArray(value)) throw new AppError('BAD_USER_INPUT', `${this.argName}: must be a list`);
    if (value.length === 0) throw new AppError('BAD_USER_INPUT', `${this.argName}: must not be empty`);
    if (value.length > this.maxItems) {
      throw new AppError(
        'BAD_USER_INPUT',
        `${this.argName}: at most ${this.maxItems} items per call, got ${value.length}`,
      );
    }
    const items = value.map((v) => this.toItem(v));
    const errors: ValidationError[] = [];
    for (const [i, item] of items.entries()) {
      const children = await validate(item, { whitelist: true, forbidNonWhitelisted: true });
      // Nested under the item's index, so the path reads input[3].title.
      if (children.length)
        errors.push(Object.assign(new ValidationError(), { property: String(i), children }));
    }
    if (errors.length) throw validationFailure(errors, this.argName);
    return items;
  }
}
