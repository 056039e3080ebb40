import type { AbuseCheck, AbuseSettings, IntelResult } from './abuseipdb.client';

export type Verdict = IntelResult['verdict'];

/**
 * From `abuseConfidenceScore`: `maliciousScore` (75) or more → malicious; `suspiciousScore` (25)
 * or more → suspicious; below that → harmless, whether nobody reported it (totalReports 0), it is
 * whitelisted, or its few reports are too weak or too old. A private or reserved address, which
 * AbuseIPDB does not score (`isPublic: false`), → unknown.
 */
export function verdictOf(
  data: AbuseCheck,
  t: Pick<AbuseSettings, 'maliciousScore' | 'suspiciousScore'>,
): Verdict {
  if (data.isPublic === false) return 'unknown';
  const score = scoreOf(data);
  if (score >= t.maliciousScore) return 'malicious';
  if (score >= t.suspiciousScore) return 'suspicious';
  return 'harmless';
}

export function scoreOf(data: AbuseCheck): number {
  const score = data.abuseConfidenceScore;
  return typeof score === 'number' && Number.isFinite(score)
    ? Math.min(100, Math.max(0, Math.round(score)))
    : 0;
}

/** The facts playbooks branch on always present (null when AbuseIPDB has none); the rest when given. */
export function detailsOf(data: AbuseCheck): Record<string, unknown> {
  const details: Record<string, unknown> = {
    countryCode: data.countryCode ?? null,
    isp: data.isp ?? null,
    usageType: data.usageType ?? null,
    totalReports: data.totalReports ?? 0,
    isTor: data.isTor ?? false,
  };
  const optional: Record<string, unknown> = {
    numDistinctUsers: data.numDistinctUsers,
    lastReportedAt: data.lastReportedAt ?? undefined,
    isWhitelisted: data.isWhitelisted ?? undefined,
    isPublic: data.isPublic,
    ipVersion: data.ipVersion,
    domain: data.domain ?? undefined,
    hostnames: data.hostnames?.length ? data.hostnames : undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) details[key] = value;
  return details;
}
