import { isIP } from 'node:net';
import type { ObservableType } from '../observable-type';
import { dedupeObservables, normaliseObservable } from '../observables';
import type { Severity } from '../severity';
import { NormaliseError, type NormalisedAlert } from './normaliser.types';

/**
 * Path-aware readers shared by the source normalisers: every failure names the field it came
 * from (`event.ComputerName: required`), and nothing here writes to the payload.
 */

export type JsonObject = Record<string, unknown>;

// Bounds of AlertInput (src/alerts/dto/alert.input.ts), so a normalised alert always ingests.
const TITLE_MAX = 512;
const DESCRIPTION_MAX = 65_536;
const SOURCE_REF_MAX = 256;
const OBSERVABLE_VALUE_MAX = 2048;
const MAX_OBSERVABLES = 500;
const MAX_TECHNIQUES = 64;

/** `at('event', 'ComputerName')` → `event.ComputerName`; `at('value', 2)` → `value[2]`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function fail(path: string, problem: string): never {
  const field = path || 'payload';
  throw new NormaliseError(field, `${field}: ${problem}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = JSON.stringify(value);
    return `string ${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, `expected an object, got ${describe(value)}`);
  return value;
}

export function reqObject(obj: JsonObject, key: string, path: string): JsonObject {
  const value = obj[key];
  return value === undefined || value === null
    ? fail(at(path, key), 'required')
    : asObject(value, at(path, key));
}

/** A nested object that may be absent (missing or null). */
export function optObject(obj: JsonObject | undefined, key: string, path: string): JsonObject | undefined {
  const value = obj?.[key];
  return value === undefined || value === null ? undefined : asObject(value, at(path, key));
}

export function optArray(obj: JsonObject | undefined, key: string, path: string): unknown[] {
  const value = obj?.[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(at(path, key), `expected an array, got ${describe(value)}`);
  return value;
}

/** Each element of an optional array of objects, with its path. */
export function eachObject(
  obj: JsonObject | undefined,
  key: string,
  path: string,
): { item: JsonObject; path: string }[] {
  return optArray(obj, key, path).map((item, i) => {
    const itemPath = at(at(path, key), i);
    return { item: asObject(item, itemPath), path: itemPath };
  });
}

/** A string that may be absent; blank counts as absent. */
export function optString(obj: JsonObject | undefined, key: string, path: string): string | undefined {
  const value = obj?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(at(path, key), `expected a string, got ${describe(value)}`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function reqString(obj: JsonObject, key: string, path: string): string {
  return optString(obj, key, path) ?? fail(at(path, key), 'required');
}

export function optNumber(obj: JsonObject | undefined, key: string, path: string): number | undefined {
  const value = obj?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(at(path, key), `expected a number, got ${describe(value)}`);
  }
  return value;
}

/** Looks a vendor enumeration value up case-insensitively; an unlisted value is an error. */
export function lookup<T>(table: Record<string, T>, value: string, path: string): T {
  const key = value.toLowerCase();
  if (!Object.hasOwn(table, key)) {
    fail(path, `unknown value ${JSON.stringify(value)} (expected one of: ${Object.keys(table).join(', ')})`);
  }
  return table[key];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The first present candidate as a Date. Strings must be ISO 8601; numbers are epoch time, read
 * as seconds below 1e11 (the year 5138) and as milliseconds above, since vendors use both.
 */
export function firstDate(candidates: { obj: JsonObject | undefined; key: string; path: string }[]): Date {
  for (const { obj, key, path } of candidates) {
    const value = obj?.[key];
    if (value === undefined || value === null || value === '') continue;
    const field = at(path, key);
    let ms = Number.NaN;
    if (typeof value === 'number') ms = value < 1e11 ? value * 1000 : value;
    else if (typeof value === 'string' && ISO_DATE.test(value.trim())) ms = Date.parse(value.trim());
    else fail(field, `expected an ISO 8601 timestamp or epoch number, got ${describe(value)}`);
    if (!Number.isFinite(ms) || ms <= 0) fail(field, `not a valid timestamp: ${describe(value)}`);
    return new Date(ms);
  }
  const first = candidates[0];
  return fail(at(first.path, first.key), 'required');
}

/** Cuts text to `max` characters, ending in an ellipsis when it had to cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/** MITRE ATT&CK technique ids; anything else a vendor files there (tactics, CST0000) is dropped. */
export class TechniqueList {
  private readonly ids = new Set<string>();

  add(value: unknown, path: string): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') fail(path, `expected a string, got ${describe(value)}`);
    const id = value.trim().toUpperCase();
    if (TECHNIQUE.test(id)) this.ids.add(id);
  }

  list(): string[] {
    return [...this.ids].slice(0, MAX_TECHNIQUES);
  }
}

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)+$/;
// What vendors write where they have no value.
const PLACEHOLDERS = new Set(['n/a', 'na', '-', 'none', 'null', 'unknown']);

function plausible(type: ObservableType, value: string): boolean {
  switch (type) {
    case 'IP':
      // Loopback and unspecified addresses (listed among a device's interfaces) point at nothing.
      return isIP(value) !== 0 && !/^(?:127\.|0\.0\.0\.0$|::1?$)/.test(value);
    case 'FILE_HASH':
      // Falcon sends all-zero SHA1/MD5 when it did not compute that hash.
      return HASH.test(value) && !/^0+$/.test(value);
    case 'EMAIL':
      return EMAIL.test(value);
    case 'DOMAIN':
      return DOMAIN.test(value);
    case 'URL':
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && URL.canParse(value);
    case 'HOST_ID':
      // An API handle: printable, no spaces (a display name in the id field is not one).
      return /^[\x21-\x7e]{1,256}$/.test(value);
    case 'HOSTNAME':
    case 'USER':
    case 'PROCESS':
      return true;
  }
}

/**
 * Observables in canonical form. Absent values and vendor placeholders ("N/A", all-zero hashes,
 * an IP field holding something else) are skipped; a value of the wrong JSON type is an error.
 */
export class ObservableList {
  private readonly items: { type: ObservableType; value: string }[] = [];

  add(type: ObservableType, raw: unknown, path: string): void {
    if (raw === undefined || raw === null) return;
    if (typeof raw !== 'string') fail(path, `expected a string, got ${describe(raw)}`);
    const trimmed = raw.trim();
    if (trimmed === '' || PLACEHOLDERS.has(trimmed.toLowerCase())) return;
    let value = normaliseObservable(type, trimmed);
    if (!plausible(type, value)) return;
    if (value.length > OBSERVABLE_VALUE_MAX) {
      // A clipped command line still says what ran; a clipped URL or hash would be another indicator.
      if (type !== 'PROCESS') return;
      value = clip(value, OBSERVABLE_VALUE_MAX);
    }
    this.items.push({ type, value });
  }

  /** `obj[key]`, when `obj` is there. */
  field(type: ObservableType, obj: JsonObject | undefined, key: string, path: string): void {
    this.add(type, obj?.[key], at(path, key));
  }

  /** Every element of the string array `obj[key]`. */
  each(type: ObservableType, obj: JsonObject | undefined, key: string, path: string): void {
    optArray(obj, key, path).forEach((value, i) => this.add(type, value, at(at(path, key), i)));
  }

  list(): { type: ObservableType; value: string }[] {
    return dedupeObservables(this.items).slice(0, MAX_OBSERVABLES);
  }
}

/**
 * The alerts in a payload, each with its path: a bare array, the vendor's list envelope
 * (`{ [envelopeKey]: [...] }`), or a single alert object.
 */
export function unwrap(payload: unknown, envelopeKey?: string): { item: JsonObject; path: string }[] {
  const items = (list: unknown[], base: string) =>
    list.map((item, i) => ({ item: asObject(item, at(base, i)), path: at(base, i) }));
  if (Array.isArray(payload)) return items(payload, '');
  const root = asObject(payload, '');
  if (envelopeKey !== undefined && root[envelopeKey] !== undefined) {
    const list = root[envelopeKey];
    if (!Array.isArray(list)) fail(envelopeKey, `expected an array, got ${describe(list)}`);
    return items(list, envelopeKey);
  }
  return [{ item: root, path: '' }];
}

export interface AlertParts {
  source: string;
  sourceRef: string;
  /** Where sourceRef came from, for the length error. */
  sourceRefPath: string;
  title: string;
  description?: string;
  severity: Severity;
  detectedAt: Date;
  techniques: TechniqueList;
  observables: ObservableList;
  raw: unknown;
}

export function buildAlert(parts: AlertParts): NormalisedAlert {
  if (parts.sourceRef.length > SOURCE_REF_MAX) {
    fail(parts.sourceRefPath, `longer than ${SOURCE_REF_MAX} characters`);
  }
  const alert: NormalisedAlert = {
    source: parts.source,
    sourceRef: parts.sourceRef,
    title: clip(parts.title, TITLE_MAX),
    severity: parts.severity,
    detectedAt: parts.detectedAt,
    techniques: parts.techniques.list(),
    observables: parts.observables.list(),
    raw: parts.raw,
  };
  if (parts.description !== undefined) alert.description = clip(parts.description, DESCRIPTION_MAX);
  return alert;
}
