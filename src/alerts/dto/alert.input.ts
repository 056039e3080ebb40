import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { JSONScalar } from '../../common/graphql/json.scalar';
import { MaxJsonSize } from '../../common/validation/max-json-size';
import type { ObservableType as ObservableTypeName } from '../observable-type';
import { MAX_OBSERVABLE_VALUE_LENGTH, ValidObservables } from './observables.validator';
import { SEVERITIES, type Severity as SeverityName } from '../severity';
import { ObservableType, Severity } from '../models/severity.enum';

/** One observable of an alert; AlertInput checks a list of them (see observableProblems). */
@InputType()
export class ObservableInput {
  @Field(() => ObservableType)
  type!: ObservableTypeName;

  @Field({ description: `At most ${MAX_OBSERVABLE_VALUE_LENGTH} characters.` })
  value!: string;
}

@InputType()
export class AlertInput {
  @Field({ description: 'The sending tool, e.g. "crowdstrike", "defender", "siem".' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'source must be 1-64 lower-case letters, digits, . _ -',
  })
  source!: string;

  @Field({
    nullable: true,
    description: "The source's own id for this detection; repeats with the same id fold into one alert.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  sourceRef?: string;

  @Field({
    nullable: true,
    description: 'The detection rule that fired; repeats of one rule on one entity fold together.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  rule?: string;

  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  title!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  description?: string;

  @Field(() => Severity)
  @IsIn(SEVERITIES)
  severity!: SeverityName;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  detectedAt?: Date;

  @Field(() => [String], {
    nullable: true,
    description: 'MITRE ATT&CK technique ids, e.g. T1486 or T1059.001.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(/^T\d{4}(\.\d{3})?$/, { each: true, message: 'each technique must look like T1486 or T1059.001' })
  techniques?: string[];

  @Field(() => [ObservableInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidObservables()
  observables?: ObservableInput[];

  @Field(() => JSONScalar, { nullable: true, description: 'The native payload, stored as received.' })
  @IsOptional()
  @MaxJsonSize(262_144)
  raw?: unknown;

  /**
   * What plainToInstance(AlertInput, plain) gives, without its deep copy of every nested value
   * (the raw payload above all): the members as sent, unknown ones too so that validation names
   * them, and detectedAt made a Date as @Type(() => Date) makes it. Ingest converts 500 of these
   * per call; class-transformer took about 10 µs each. Nothing downstream changes an input.
   */
  static fromPlain(plain: unknown): AlertInput {
    if (
      typeof plain !== 'object' ||
      plain === null ||
      Array.isArray(plain) ||
      Object.hasOwn(plain, '__proto__')
    )
      return plainToInstance(AlertInput, plain);
    const item = Object.assign(new AlertInput(), plain);
    const at = item.detectedAt as unknown;
    if (at !== null && at !== undefined) item.detectedAt = new Date(at as string | number | Date);
    return item;
  }
}
