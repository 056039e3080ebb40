import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

/** Temporal's remote codec protocol: payloads as protobuf JSON, bytes fields base64. */
export const MAX_CODEC_PAYLOADS = 10_000;
const MAX_METADATA_KEYS = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isBase64(value: unknown): boolean {
  return typeof value === 'string' && BASE64.test(value);
}

function IsBase64Bytes(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBase64Bytes',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be base64 (standard alphabet, padded)`, ...options },
      validator: { validate: isBase64 },
    });
}

function IsBase64Map(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBase64Map',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must map at most ${MAX_METADATA_KEYS} names to base64 values`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          Object.keys(value).length <= MAX_METADATA_KEYS &&
          Object.values(value).every(isBase64),
      },
    });
}

export class CodecPayloadDto {
  @IsObject()
  @IsBase64Map()
  metadata!: Record<string, string>;

  /** Absent for an empty payload (protobuf JSON omits empty bytes). */
  @IsOptional()
  @IsBase64Bytes()
  data?: string;
}

export class CodecRequestDto {
  @IsArray()
  @ArrayMaxSize(MAX_CODEC_PAYLOADS)
  @ValidateNested({ each: true })
  @Type(() => CodecPayloadDto)
  payloads!: CodecPayloadDto[];
}

export interface CodecResponse {
  payloads: { metadata: Record<string, string>; data: string }[];
}
