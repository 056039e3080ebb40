import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VENDOR, VtClient, type IntelResult, type VtAttributes, type VtStats } from '../virustotal.client';
import { detailsOf, scoreOf, verdictOf } from '../virustotal.verdict';
import { guiLink, observableOf, type Observable } from './observable';
import { analyseUrl } from './url-analysis';

export interface LookupInput {
  type: string;
  value: string;
}

const contract = CAPABILITIES['intel.lookup'];

export const lookup: IntegrationAction<LookupInput, IntelResult> = {
  name: 'lookup',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /** VirusTotal's verdict on a hash, IP, domain or URL; repeats within cacheTtlSeconds spend no quota. */
  async run(ctx: ActionContext, input: LookupInput): Promise<IntelResult> {
    const observable = observableOf(input);
    const vt = new VtClient(ctx);
    return vt.state.cache.getOrLoad(`${observable.type}:${observable.value}`, () =>
      lookupUncached(vt, ctx, observable),
    );
  },
};

async function lookupUncached(vt: VtClient, ctx: ActionContext, o: Observable): Promise<IntelResult> {
  const found = await vt.object(o.path);
  if (found) return result(vt, o, found.id, found.attributes?.last_analysis_stats, found.attributes);
  if (o.type !== 'URL' || !vt.settings.submitUnseenUrls) return unknown(o);

  const analysis = await analyseUrl(vt, ctx, o.value);
  const attributes = analysis.data?.attributes;
  const urlInfo = analysis.meta?.url_info;
  const r = result(vt, o, urlInfo?.id, attributes?.stats, {
    last_analysis_results: attributes?.results,
    last_analysis_date: attributes?.date,
    url: urlInfo?.url,
  });
  r.details = { ...r.details, submitted: true, analysis_id: analysis.data?.id };
  return r;
}

function result(
  vt: VtClient,
  o: Observable,
  id: string | undefined,
  stats: VtStats | undefined,
  attributes: VtAttributes | undefined,
): IntelResult {
  const verdict = verdictOf(stats, vt.settings);
  return {
    type: o.type,
    value: o.value,
    verdict,
    score: scoreOf(stats, verdict),
    source: VENDOR,
    details: detailsOf(id, stats, attributes),
    link: guiLink(o, id),
  };
}

/** Never seen by VirusTotal: not an error, just nothing to say. */
function unknown(o: Observable): IntelResult {
  return {
    type: o.type,
    value: o.value,
    verdict: 'unknown',
    score: 0,
    source: VENDOR,
    details: { found: false },
    link: guiLink(o),
  };
}
