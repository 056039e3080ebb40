import { isIP } from 'node:net';
import type { ObservableType } from './observable-type';

/**
 * Canonical forms, so "every alert that saw 203.0.113.7" is one equality lookup: refanged,
 * lower-cased where case carries no meaning, IPv6 in its canonical compressed form.
 */
export function normaliseObservable(type: ObservableType, raw: string): string {
  const value = refang(raw.trim());
  switch (type) {
    case 'IP':
      return canonicalIp(value);
    case 'DOMAIN':
      return value.toLowerCase().replace(/\.$/, '');
    case 'HOSTNAME':
      // Kept as reported: EDRs match host names exactly, and the case is what their consoles show.
      return value.replace(/\.$/, '');
    case 'EMAIL':
    case 'FILE_HASH':
      return value.toLowerCase();
    case 'URL':
      return canonicalUrl(value);
    case 'USER':
    case 'PROCESS':
    case 'HOST_ID':
      return value;
  }
}

export function refang(value: string): string {
  return value
    .replace(/^hxxp(s?):\/\//i, 'http$1://')
    .replace(/\[\.\]|\(\.\)|\{\.\}/g, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[@\]/g, '@');
}

function canonicalIp(value: string): string {
  if (isIP(value) === 6) {
    try {
      return new URL(`http://[${value}]/`).hostname.slice(1, -1);
    } catch {
      return value.toLowerCase();
    }
  }
  return value;
}

function canonicalUrl(value: string): string {
  try {
    const url = new URL(value);
    return url.toString();
  } catch {
    return value;
  }
}

/** A file hash's algorithm, told by its length (hex digits): MD5, SHA-1, SHA-256 or SHA-512. */
export function hashAlgorithm(value: string): 'MD5' | 'SHA1' | 'SHA256' | 'SHA512' | null {
  if (!/^[0-9a-f]+$/i.test(value)) return null;
  switch (value.length) {
    case 32:
      return 'MD5';
    case 40:
      return 'SHA1';
    case 64:
      return 'SHA256';
    case 128:
      return 'SHA512';
    default:
      return null;
  }
}

/** Removes repeats within one alert (after normalisation). */
export function dedupeObservables<T extends { type: ObservableType; value: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((o) => {
    const key = `${o.type}\u0000${o.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
