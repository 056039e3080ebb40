import { registerDecorator } from 'class-validator';
import { OBSERVABLE_TYPES } from '../observable-type';

export const MAX_OBSERVABLE_VALUE_LENGTH = 2048;
const FIELDS = new Set(['type', 'value']);
const TYPES = new Set<string>(OBSERVABLE_TYPES);

/**
 * What is wrong with a list of observables, one line per problem naming the item and field:
 * `{ type, value }` only, the type one Cordon knows, the value a non-empty string of at most
 * 2,048 characters. Validating each observable as a nested class was two thirds of a
 * 500-alert batch's validation (2,250 objects, each transformed to a class instance and then
 * looked up in class-validator's metadata); the same rules, in one pass over plain objects.
 */
export function observableProblems(list: unknown[]): string[] {
  const problems: string[] = [];
  list.forEach((item, i) => {
    const at = `observables[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${at} must be an object with a type and a value`);
      return;
    }
    const o = item as Record<string, unknown>;
    for (const key of Object.keys(o))
      if (!FIELDS.has(key)) problems.push(`${at}: property ${key} should not exist`);
    if (typeof o.type !== 'string' || !TYPES.has(o.type))
      problems.push(`${at}.type must be one of the following values: ${OBSERVABLE_TYPES.join(', ')}`);
    if (typeof o.value !== 'string') problems.push(`${at}.value must be a string`);
    else if (o.value.length === 0) problems.push(`${at}.value should not be empty`);
    else if (o.value.length > MAX_OBSERVABLE_VALUE_LENGTH)
      problems.push(`${at}.value must be shorter than or equal to ${MAX_OBSERVABLE_VALUE_LENGTH} characters`);
  });
  return problems;
}

/** An alert's observables, checked by observableProblems (a non-array is IsArray's to refuse). */
export function ValidObservables() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'validObservables',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || observableProblems(value).length === 0,
        defaultMessage: (args) => observableProblems(args?.value as unknown[]).join('; '),
      },
    });
}
