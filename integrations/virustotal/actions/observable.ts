import { isIP } from 'node:net';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { VENDOR } from '../virustotal.client';

export const VT_GUI = 'https://www.virustotal.com/gui';

export type ObservableType = 'FILE_HASH' | 'IP' | 'DOMAIN' | 'URL';

export interface Observable {
  type: ObservableType;
  /** Normalised: hashes and domains lower-case, URLs trimmed. Also the cache key. */
  value: string;
  /** The object's API path. */
  path: string;
}

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** Checks the input before any quota is spent; a malformed observable will not improve with retries. */
export function observableOf(input: { type?: unknown; value?: unknown } | undefined): Observable {
  const raw = typeof input?.value === 'string' ? input.value.trim() : '';
  const type = input?.type;
  if (!raw) throw badInput('value is required');
  switch (type) {
    case 'FILE_HASH': {
      const value = raw.toLowerCase();
      if (!HASH.test(value)) throw badInput('a FILE_HASH must be an MD5, SHA-1 or SHA-256 in hex');
      return { type, value, path: `/files/${value}` };
    }
    case 'IP': {
      const value = raw.toLowerCase();
      if (!isIP(value)) throw badInput(`"${raw}" is not an IP address`);
      return { type, value, path: `/ip_addresses/${encodeURIComponent(value)}` };
    }
    case 'DOMAIN': {
      const value = raw.toLowerCase().replace(/\.$/, '');
      if (!DOMAIN.test(value)) throw badInput(`"${raw}" is not a domain name`);
      return { type, value, path: `/domains/${value}` };
    }
    case 'URL':
      return { type, value: raw, path: `/urls/${urlId(raw)}` };
    default:
      throw badInput(`type must be FILE_HASH, IP, DOMAIN or URL, got ${JSON.stringify(type)}`);
  }
}

/** VirusTotal's URL identifier: the URL in unpadded base64url (VirusTotal canonicalises it). */
export function urlId(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64url');
}

/** The VirusTotal web page for an observable; `id` is VirusTotal's own (a URL's SHA-256) when known. */
export function guiLink(o: Observable, id?: string): string {
  switch (o.type) {
    case 'FILE_HASH':
      return `${VT_GUI}/file/${id ?? o.value}`;
    case 'IP':
      return `${VT_GUI}/ip-address/${o.value}`;
    case 'DOMAIN':
      return `${VT_GUI}/domain/${o.value}`;
    case 'URL':
      return id ? `${VT_GUI}/url/${id}` : `${VT_GUI}/search/${encodeURIComponent(o.value)}`;
  }
}

function badInput(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_INPUT', message, retryable: false });
}
