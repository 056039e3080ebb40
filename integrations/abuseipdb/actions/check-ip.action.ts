import { isIP } from 'node:net';
import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { AbuseClient, VENDOR, type IntelResult } from '../abuseipdb.client';
import { detailsOf, scoreOf, verdictOf } from '../abuseipdb.verdict';

export interface CheckIpInput {
  type: string;
  value: string;
}

const contract = CAPABILITIES['intel.lookup'];

export const checkIp: IntegrationAction<CheckIpInput, IntelResult> = {
  name: 'check_ip',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /** AbuseIPDB's confidence that an IP is abusive; repeats within cacheTtlSeconds spend no quota. */
  async run(ctx: ActionContext, input: CheckIpInput): Promise<IntelResult> {
    const ip = ipOf(input);
    const abuse = new AbuseClient(ctx);
    return abuse.state.cache.getOrLoad(`IP:${ip}`, async () => {
      const data = await abuse.check(ip);
      const verdict = verdictOf(data, abuse.settings);
      return {
        type: 'IP',
        value: ip,
        verdict,
        score: verdict === 'unknown' ? 0 : scoreOf(data),
        source: VENDOR,
        details: detailsOf(data),
        link: `https://www.abuseipdb.com/check/${encodeURIComponent(ip)}`,
      };
    });
  },
};

/** AbuseIPDB knows IP addresses only; anything else fails for good before any quota is spent. */
function ipOf(input: Partial<CheckIpInput> | undefined): string {
  const type = input?.type;
  if (type !== 'IP') {
    throw new VendorError({
      vendor: VENDOR,
      code: 'UNSUPPORTED_TYPE',
      message: `AbuseIPDB looks up IP addresses only, not ${typeof type === 'string' ? type : JSON.stringify(type)}`,
      retryable: false,
    });
  }
  const ip = typeof input?.value === 'string' ? input.value.trim().toLowerCase() : '';
  if (!isIP(ip)) {
    throw new VendorError({
      vendor: VENDOR,
      code: 'BAD_INPUT',
      message: `"${String(input?.value ?? '')}" is not an IP address`,
      retryable: false,
    });
  }
  return ip;
}
