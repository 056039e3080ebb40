import { createHash } from 'node:crypto';

export type VtObjectType = 'file' | 'ip_address' | 'domain' | 'url';

export interface VtFakeStats {
  malicious: number;
  suspicious: number;
  undetected: number;
  harmless: number;
  timeout: number;
}

/** How to seed an object: its type, key (a SHA-256, an IP, a domain or a URL), its verdicts and facts. */
export interface VtFakeObjectInput {
  type: VtObjectType;
  /** SHA-256 for files (md5/sha1 go in `attributes`), the address, the domain, or the URL itself. */
  key: string;
  stats: Partial<VtFakeStats>;
  /** What engines that detect it call it. */
  detection?: string;
  attributes?: Record<string, unknown>;
}

export interface VtFakeObject {
  id: string;
  type: VtObjectType;
  attributes: Record<string, unknown> & { last_analysis_stats: VtFakeStats };
}

const ENGINES = [
  'Avast',
  'AVG',
  'Avira',
  'BitDefender',
  'ClamAV',
  'CrowdStrike',
  'Cynet',
  'DrWeb',
  'Emsisoft',
  'ESET-NOD32',
  'F-Secure',
  'Fortinet',
  'GData',
  'Ikarus',
  'K7AntiVirus',
  'Kaspersky',
  'Lionic',
  'Malwarebytes',
  'McAfee',
  'Microsoft',
  'Panda',
  'Rising',
  'SentinelOne',
  'Sophos',
  'Symantec',
  'Tencent',
  'TrendMicro',
  'VIPRE',
  'Webroot',
  'Zillya',
  'ZoneAlarm',
];

/** The seed: what the conformance suite expects (EICAR, 203.0.113.7, evil.example malicious; 8.8.8.8 clean). */
export const DEFAULT_OBJECTS: VtFakeObjectInput[] = [
  {
    type: 'file',
    key: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    stats: { malicious: 62, suspicious: 0, undetected: 8, harmless: 0, timeout: 1 },
    detection: 'EICAR-Test-File',
    attributes: {
      sha1: '3395856ce81f2b7382dee72602f798b642f14140',
      md5: '44d88612fea8a8f36de82e1278abb02f',
      meaningful_name: 'eicar.com',
      type_description: 'Text',
      size: 68,
      reputation: -1024,
      tags: ['text', 'eicar'],
    },
  },
  {
    type: 'file',
    key: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    stats: { malicious: 0, suspicious: 0, undetected: 58, harmless: 0, timeout: 0 },
    attributes: {
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      md5: 'd41d8cd98f00b204e9800998ecf8427e',
      meaningful_name: 'empty',
      type_description: 'Empty file',
      size: 0,
      reputation: 0,
    },
  },
  {
    type: 'ip_address',
    key: '203.0.113.7',
    stats: { malicious: 9, suspicious: 2, undetected: 23, harmless: 60, timeout: 0 },
    detection: 'malware',
    attributes: { country: 'NL', asn: 64500, as_owner: 'Example Bulletproof Hosting', reputation: -37 },
  },
  {
    type: 'ip_address',
    key: '8.8.8.8',
    stats: { malicious: 0, suspicious: 0, undetected: 30, harmless: 64, timeout: 0 },
    attributes: { country: 'US', asn: 15169, as_owner: 'GOOGLE', reputation: 541 },
  },
  {
    type: 'ip_address',
    key: '198.51.100.23',
    stats: { malicious: 1, suspicious: 1, undetected: 30, harmless: 62, timeout: 0 },
    detection: 'suspicious',
    attributes: { country: 'DE', asn: 64501, as_owner: 'Example Cloud', reputation: -2 },
  },
  {
    type: 'domain',
    key: 'evil.example',
    stats: { malicious: 12, suspicious: 3, undetected: 29, harmless: 50, timeout: 0 },
    detection: 'phishing',
    attributes: {
      registrar: 'Example Registrar, Inc.',
      categories: { 'Forcepoint ThreatSeeker': 'phishing and other frauds' },
      reputation: -52,
      tags: ['phishing'],
    },
  },
  {
    type: 'domain',
    key: 'example.com',
    stats: { malicious: 0, suspicious: 0, undetected: 24, harmless: 70, timeout: 0 },
    attributes: { registrar: 'RESERVED-Internet Assigned Numbers Authority', reputation: 12 },
  },
  {
    type: 'url',
    key: 'http://evil.example/login',
    stats: { malicious: 8, suspicious: 1, undetected: 20, harmless: 65, timeout: 0 },
    detection: 'phishing',
    attributes: { title: 'Sign in to your account', last_final_url: 'http://evil.example/login' },
  },
];

/** VirusTotal canonicalises URLs before hashing them; the fake does what WHATWG URL parsing does. */
export function canonicalUrl(url: string): string {
  const text = url.trim();
  for (const candidate of [text, `http://${text}`]) {
    try {
      return new URL(candidate).href;
    } catch {
      // try the next form
    }
  }
  return text;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function fullStats(stats: Partial<VtFakeStats>): VtFakeStats {
  return { malicious: 0, suspicious: 0, undetected: 0, harmless: 0, timeout: 0, ...stats };
}

/** Engine by engine, consistent with the counts: the first engines detect, the rest do not. */
export function engineResults(stats: VtFakeStats, detection = 'malicious') {
  const categories: Array<[keyof VtFakeStats, string | null]> = [
    ['malicious', detection],
    ['suspicious', detection],
    ['harmless', 'clean'],
    ['undetected', null],
    ['timeout', null],
  ];
  const results: Record<
    string,
    { category: string; result: string | null; engine_name: string; method: string }
  > = {};
  let i = 0;
  for (const [category, result] of categories) {
    for (let k = 0; k < stats[category]; k++, i++) {
      const name = ENGINES[i] ?? `Engine-${i + 1}`;
      results[name] = { category, result, engine_name: name, method: 'blacklist' };
    }
  }
  return results;
}

/** The fake's objects by type and id, with md5/sha1 aliases for files. */
export class VtObjectStore {
  private readonly objects = new Map<string, VtFakeObject>();
  private readonly aliases = new Map<string, string>();

  constructor(
    seed: VtFakeObjectInput[],
    private readonly now: () => number,
  ) {
    for (const input of seed) this.add(input);
  }

  add(input: VtFakeObjectInput): VtFakeObject {
    if (!input || !['file', 'ip_address', 'domain', 'url'].includes(input.type) || !input.key)
      throw new Error('an object needs a type (file, ip_address, domain, url) and a key');
    const stats = fullStats(input.stats ?? {});
    const key = input.type === 'url' ? canonicalUrl(input.key) : input.key.toLowerCase();
    const id = input.type === 'url' ? sha256(key) : key;
    const attributes: VtFakeObject['attributes'] = {
      last_analysis_stats: stats,
      last_analysis_results: engineResults(stats, input.detection),
      last_analysis_date: Math.floor(this.now() / 1000) - 3600,
      reputation: 0,
      tags: [],
      ...(input.type === 'file' ? { sha256: id } : {}),
      ...(input.type === 'url' ? { url: key } : {}),
      ...input.attributes,
    };
    const object: VtFakeObject = { id, type: input.type, attributes };
    this.objects.set(`${input.type}:${id}`, object);
    if (input.type === 'file') {
      for (const alias of [attributes.md5, attributes.sha1])
        if (typeof alias === 'string') this.aliases.set(`file:${alias.toLowerCase()}`, `file:${id}`);
    }
    return object;
  }

  get(type: VtObjectType, id: string): VtFakeObject | undefined {
    const key = `${type}:${id.toLowerCase()}`;
    return this.objects.get(this.aliases.get(key) ?? key);
  }

  all(): VtFakeObject[] {
    return [...this.objects.values()];
  }
}
