import { isIP } from 'node:net';

/** How to seed an address: what AbuseIPDB would say about it. */
export interface AbuseFakeAddressInput {
  ipAddress: string;
  abuseConfidenceScore?: number;
  countryCode?: string | null;
  countryName?: string | null;
  usageType?: string | null;
  isp?: string | null;
  domain?: string | null;
  hostnames?: string[];
  isTor?: boolean;
  isWhitelisted?: boolean | null;
  isPublic?: boolean;
  totalReports?: number;
  numDistinctUsers?: number;
  /** Days since the last report: `maxAgeInDays` shorter than this hides the reports. Default 0. */
  lastReportedDaysAgo?: number;
}

/** The seed: what the conformance suite expects (203.0.113.7 listed, 8.8.8.8 clean) and a few more. */
export const DEFAULT_ADDRESSES: AbuseFakeAddressInput[] = [
  {
    ipAddress: '203.0.113.7',
    abuseConfidenceScore: 100,
    countryCode: 'NL',
    countryName: 'Netherlands',
    usageType: 'Data Center/Web Hosting/Transit',
    isp: 'Example Bulletproof Hosting',
    domain: 'bulletproof.example',
    hostnames: ['mail.bulletproof.example'],
    isWhitelisted: false,
    totalReports: 1532,
    numDistinctUsers: 311,
  },
  {
    ipAddress: '8.8.8.8',
    abuseConfidenceScore: 0,
    countryCode: 'US',
    countryName: 'United States of America',
    usageType: 'Content Delivery Network',
    isp: 'Google LLC',
    domain: 'google.com',
    hostnames: ['dns.google'],
    isWhitelisted: true,
    totalReports: 41,
    numDistinctUsers: 17,
    lastReportedDaysAgo: 3,
  },
  {
    ipAddress: '198.51.100.23',
    abuseConfidenceScore: 40,
    countryCode: 'DE',
    countryName: 'Germany',
    usageType: 'Data Center/Web Hosting/Transit',
    isp: 'Example Cloud GmbH',
    domain: 'cloud.example',
    totalReports: 6,
    numDistinctUsers: 4,
    lastReportedDaysAgo: 12,
  },
  {
    ipAddress: '192.0.2.66',
    abuseConfidenceScore: 88,
    countryCode: 'SE',
    countryName: 'Sweden',
    usageType: 'Data Center/Web Hosting/Transit',
    isp: 'Example Privacy Network',
    domain: 'tor-exit.example',
    hostnames: ['exit-66.tor-exit.example'],
    isTor: true,
    totalReports: 240,
    numDistinctUsers: 90,
    lastReportedDaysAgo: 1,
  },
];

/** Private, loopback, link-local, CGNAT and unique-local addresses: AbuseIPDB does not score them. */
export function isPublicAddress(ip: string): boolean {
  if (isIP(ip) === 6) {
    const lower = ip.toLowerCase();
    return !(lower === '::1' || lower === '::' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower));
  }
  const [a, b] = ip.split('.').map(Number);
  return !(
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}
