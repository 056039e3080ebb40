import type { IntelResult, VtAttributes, VtEngineResult, VtStats } from './virustotal.client';

export type Verdict = IntelResult['verdict'];

export interface VerdictThresholds {
  maliciousEngines: number;
  suspiciousEngines: number;
}

/** The score band of each verdict, so `score >= 75` means malicious here as at AbuseIPDB. */
const BANDS: Record<Verdict, [number, number]> = {
  malicious: [75, 100],
  suspicious: [25, 74],
  harmless: [0, 24],
  unknown: [0, 0],
};

const n = (value: number | undefined) => (typeof value === 'number' && value > 0 ? value : 0);

/**
 * `maliciousEngines` or more engines say malicious → malicious; otherwise `suspiciousEngines` or
 * more say malicious or suspicious → suspicious; otherwise, when most engines that answered at all
 * found it harmless or undetected → harmless; no answers (all timeouts, unsupported) → unknown.
 */
export function verdictOf(stats: VtStats | undefined, t: VerdictThresholds): Verdict {
  const malicious = n(stats?.malicious);
  const suspicious = n(stats?.suspicious);
  if (malicious >= t.maliciousEngines) return 'malicious';
  if (malicious + suspicious >= t.suspiciousEngines) return 'suspicious';
  const all = Object.values(stats ?? {}).reduce<number>((sum, v) => sum + n(v), 0);
  const clean = n(stats?.harmless) + n(stats?.undetected);
  return all > 0 && clean * 2 > all ? 'harmless' : 'unknown';
}

/**
 * 0-100: the share of engines with an opinion that found it bad (suspicious counts half), held
 * inside the verdict's band — an IP five engines of ninety list is still a malicious 75.
 */
export function scoreOf(stats: VtStats | undefined, verdict: Verdict): number {
  const malicious = n(stats?.malicious);
  const suspicious = n(stats?.suspicious);
  const engines = malicious + suspicious + n(stats?.harmless) + n(stats?.undetected);
  const ratio = engines ? Math.round((100 * (malicious + suspicious / 2)) / engines) : 0;
  const [low, high] = BANDS[verdict];
  return Math.min(high, Math.max(low, ratio));
}

/** Engine counts and the facts an analyst reads first, by object type; absent facts are left out. */
export function detailsOf(id: string | undefined, stats: VtStats | undefined, a: VtAttributes = {}) {
  const details: Record<string, unknown> = {
    malicious: n(stats?.malicious),
    suspicious: n(stats?.suspicious),
    harmless: n(stats?.harmless),
    undetected: n(stats?.undetected),
    timeout: n(stats?.timeout),
    engines: Object.values(stats ?? {}).reduce<number>((sum, v) => sum + n(v), 0),
  };
  const names = detectionNames(a.last_analysis_results);
  const optional: Record<string, unknown> = {
    vt_id: id,
    reputation: a.reputation,
    last_analysis_date: a.last_analysis_date
      ? new Date(a.last_analysis_date * 1000).toISOString()
      : undefined,
    tags: a.tags?.length ? a.tags : undefined,
    detection_names: names.length ? names : undefined,
    sha256: a.sha256,
    sha1: a.sha1,
    md5: a.md5,
    meaningful_name: a.meaningful_name,
    type_description: a.type_description,
    size: a.size,
    country: a.country,
    asn: a.asn,
    as_owner: a.as_owner,
    registrar: a.registrar,
    categories: a.categories && Object.keys(a.categories).length ? a.categories : undefined,
    url: a.url,
    final_url: a.last_final_url,
    title: a.title,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) details[key] = value;
  return details;
}

/** Up to five distinct names engines gave a malicious or suspicious finding, most common first. */
function detectionNames(results: Record<string, VtEngineResult> | undefined): string[] {
  const counts = new Map<string, number>();
  for (const r of Object.values(results ?? {})) {
    if ((r.category === 'malicious' || r.category === 'suspicious') && r.result)
      counts.set(r.result, (counts.get(r.result) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([name]) => name);
}
