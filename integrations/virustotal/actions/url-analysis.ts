import { setTimeout as delay } from 'node:timers/promises';
import type { ActionContext } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { VENDOR, type VtAnalysis, type VtClient } from '../virustotal.client';

/**
 * Submits a URL VirusTotal has not seen and reads the analysis until it is `completed`
 * (`queued` → `in-progress` → `completed`), waiting `pollIntervalMs` — or longer when the quota
 * says so — between reads, heart-beating as it goes. Past `analysisTimeoutSeconds` it fails
 * retryably: by the retry the URL has a report and a plain lookup finds it.
 */
export async function analyseUrl(
  vt: VtClient,
  ctx: Pick<ActionContext, 'http' | 'heartbeat' | 'signal'>,
  url: string,
): Promise<VtAnalysis> {
  const { pollIntervalMs, analysisTimeoutSeconds } = vt.settings;
  const deadline = Date.now() + analysisTimeoutSeconds * 1000;
  const id = await vt.submitUrl(url);
  let status = 'queued';
  for (;;) {
    const waitMs = Math.max(pollIntervalMs, vt.state.budget.wait().ms);
    if (Date.now() + waitMs > deadline) throw stillPending(id, status, Math.max(waitMs, 1000));
    if (waitMs > 0) await sleep(ctx, waitMs);
    ctx.heartbeat?.({ analysisId: id, status });
    const analysis = await vt.analysis(id);
    status = analysis.data?.attributes?.status ?? 'queued';
    if (status === 'completed') return analysis;
  }
}

/**
 * Through the client's own (injectable) sleep when the kit's HttpClient offers one, so tests and
 * the harness see the wait instead of sitting it out; otherwise a timer the signal cancels.
 */
async function sleep(ctx: Pick<ActionContext, 'http' | 'signal'>, ms: number): Promise<void> {
  const { signal } = ctx;
  const clientWait = (ctx.http as { wait?: (ms: number) => Promise<void> }).wait;
  try {
    if (typeof clientWait === 'function') await clientWait.call(ctx.http, ms);
    else await delay(ms, undefined, { signal });
    if (signal?.aborted) throw signal.reason;
  } catch (err) {
    // Cancellation rethrows the caller's own reason, as the HTTP client does.
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}

function stillPending(id: string, status: string, retryAfterMs: number): VendorError {
  return new VendorError({
    vendor: VENDOR,
    code: 'ANALYSIS_PENDING',
    message: `the URL analysis ${id} is still ${status}; retry later`,
    retryable: true,
    retryAfterMs,
  });
}
