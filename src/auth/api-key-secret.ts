import { createHash, randomBytes } from 'node:crypto';

const PREFIX_LENGTH = 12;

/** A new key: "cdn_" + 43 characters of base64url (256 bits). Shown once, stored only as a hash. */
export function generateApiKey(): string {
  return `cdn_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function apiKeyPrefix(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}
