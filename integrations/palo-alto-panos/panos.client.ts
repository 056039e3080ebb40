import type { HttpResponse, ParsedVendorError } from '../../src/integrations/kit/http-client';
import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { pause } from '../../src/integrations/kit/polling';
import { VendorError } from '../../src/integrations/kit/vendor-error';
import { child, childrenNamed, escapeXml, lines, parseXml, textAt, type XmlElement } from './panos-xml';

export const VENDOR = 'Palo Alto Networks';

/** A parsed `<response status="…" code="…">` of the XML API. */
export interface PanosResponse {
  status: string;
  code?: string;
  result?: XmlElement;
  /** The `<msg>` lines, wherever PAN-OS put them (response/msg or response/result/msg). */
  messages: string[];
}

export interface PanosSettings {
  vsys: string;
  deviceName: string;
  blockGroup: string;
  commitAdmin?: string;
  pollIntervalMs: number;
  commitTimeoutMs: number;
}

/** Codes PAN-OS documents as internal errors: worth another try later. */
const INTERNAL_CODES = new Set(['2', '3', '4', '5', '11', '21']);
/** "Object not present": a missing xpath when reading or deleting. */
const NOT_PRESENT = '7';
const NAME = /^[A-Za-z0-9][\w. -]{0,62}$/;

/** Reads an XML API answer; anything else (an HTML login page, a proxy's error) is undefined. */
export function readResponse(body: unknown): PanosResponse | undefined {
  if (typeof body !== 'string') return undefined;
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch {
    return undefined;
  }
  if (root.name !== 'response') return undefined;
  const result = child(root, 'result');
  const msg = child(root, 'msg') ?? child(result, 'msg');
  return { status: root.attrs.status ?? '', code: root.attrs.code, result, messages: lines(msg) };
}

/** Error hook for non-2xx answers (403 bad key, 400 bad request, 5xx): the XML's code and message. */
export function panosParseError(status: number, body: unknown): ParsedVendorError {
  const res = readResponse(body);
  const message = res?.messages.join(' ');
  return { code: res?.code ?? String(status), message: message || `HTTP ${status}` };
}

/** Settings with their defaults, checked so they can go into an xpath unquoted. */
export function panosSettings(settings: Record<string, unknown>): PanosSettings {
  const str = (key: string, fallback: string) =>
    typeof settings[key] === 'string' && settings[key] !== '' ? settings[key] : fallback;
  const num = (key: string, fallback: number) =>
    typeof settings[key] === 'number' && Number.isFinite(settings[key]) && settings[key] >= 0
      ? settings[key]
      : fallback;
  const parsed: PanosSettings = {
    vsys: str('vsys', 'vsys1'),
    deviceName: str('deviceName', 'localhost.localdomain'),
    blockGroup: str('blockGroup', 'cordon-blocklist'),
    commitAdmin: str('commitAdmin', '') || undefined,
    pollIntervalMs: num('pollIntervalMs', 2000),
    commitTimeoutMs: num('commitTimeoutSeconds', 600) * 1000,
  };
  for (const key of ['vsys', 'deviceName', 'blockGroup'] as const) {
    if (!NAME.test(parsed[key])) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'BAD_SETTINGS',
        message: `setting ${key} "${parsed[key]}" is not a valid PAN-OS name`,
        retryable: false,
      });
    }
  }
  return parsed;
}

/**
 * One firewall's XML API through the platform's shared client: POSTs form-encoded requests to
 * `/api/` with the key in `X-PAN-KEY`, and turns `status="error"` answers (which PAN-OS sends
 * with HTTP 200) into VendorErrors carrying PAN-OS's code and message.
 */
export class PanosClient {
  readonly settings: PanosSettings;
  private readonly apiKey: string;

  constructor(private readonly ctx: Pick<ActionContext, 'connection' | 'http' | 'signal' | 'heartbeat'>) {
    const apiKey = ctx.connection.secrets.apiKey;
    if (!apiKey) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'MISSING_CREDENTIALS',
        message: 'the connection has no apiKey',
        retryable: false,
      });
    }
    this.apiKey = apiKey;
    this.settings = panosSettings(ctx.connection.settings);
  }

  /** `/config/devices/entry[@name='…']/vsys/entry[@name='…']`: where this vsys's objects live. */
  get vsysXpath(): string {
    return `/config/devices/entry[@name='${this.settings.deviceName}']/vsys/entry[@name='${this.settings.vsys}']`;
  }

  /**
   * Running (committed) configuration at `xpath` (`action=show`): what the firewall enforces now.
   * Undefined when the node does not exist (code 7).
   */
  async show(xpath: string): Promise<XmlElement | undefined> {
    const res = await this.call({ type: 'config', action: 'show', xpath }, notPresent);
    if (res.status !== 'success' || res.code === NOT_PRESENT) return undefined;
    // The node is the result's only child; an empty result means nothing there.
    return res.result?.children[0];
  }

  /** `action=set`: merges `element` into the candidate configuration at `xpath`. */
  async set(xpath: string, element: string): Promise<void> {
    await this.call({ type: 'config', action: 'set', xpath, element });
  }

  /** `action=delete` on the candidate; false when there was nothing there (code 7). */
  async delete(xpath: string): Promise<boolean> {
    const res = await this.call({ type: 'config', action: 'delete', xpath }, notPresent);
    return res.status === 'success';
  }

  /** An operational command, e.g. `<show><system><info/></system></show>`; returns `<result>`. */
  async op(cmd: string): Promise<XmlElement | undefined> {
    return (await this.call({ type: 'op', cmd })).result;
  }

  /**
   * Commits the candidate configuration (only `commitAdmin`'s changes when set) and waits for
   * the job to finish, polling every `pollIntervalMs` up to `commitTimeoutSeconds`. Resolves when
   * the job ends OK or there was nothing to commit.
   */
  async commit(description: string): Promise<{ jobId?: string }> {
    const admin = this.settings.commitAdmin;
    const partial = admin ? `<partial><admin><member>${escapeXml(admin)}</member></admin></partial>` : '';
    const cmd = `<commit>${partial}<description>${escapeXml(description.slice(0, 512))}</description></commit>`;
    // Another commit (or a config lock) in the way: ours would carry the same candidate later.
    const busy = (_code: string | undefined, messages: string[]) =>
      messages.some((m) => /in progress|is locked|lock is held/i.test(m));
    const res = await this.call({ type: 'commit', cmd }, busy);
    if (res.status !== 'success') {
      throw new VendorError({
        vendor: VENDOR,
        status: 200,
        code: 'COMMIT_BUSY',
        message: `commit refused: ${res.messages.join(' ')}`,
        retryable: true,
      });
    }
    const jobId = textAt(res.result, 'job');
    if (!jobId) {
      // "There are no changes to commit": someone (perhaps a retry of this step) committed already.
      if (res.messages.some((m) => /no changes/i.test(m))) return {};
      throw badResponse('the commit answer names no job');
    }
    await this.waitForJob(jobId);
    return { jobId };
  }

  /** Polls `show jobs id N` until the job is FIN; FAIL becomes a non-retryable COMMIT_FAILED. */
  private async waitForJob(jobId: string): Promise<void> {
    const deadline = Date.now() + this.settings.commitTimeoutMs;
    for (;;) {
      const result = await this.op(`<show><jobs><id>${escapeXml(jobId)}</id></jobs></show>`);
      const job = child(result, 'job');
      const status = textAt(job, 'status');
      const outcome = textAt(job, 'result');
      if (status === 'FIN') {
        if (outcome === 'OK') return;
        const details = [...lines(child(job, 'details')), ...lines(child(job, 'warnings'))];
        throw new VendorError({
          vendor: VENDOR,
          status: 200,
          code: 'COMMIT_FAILED',
          message: `commit job ${jobId} ended ${outcome ?? 'without a result'}: ${details.join(' ') || 'no details'}`,
          retryable: false,
        });
      }
      if (Date.now() >= deadline) {
        throw new VendorError({
          vendor: VENDOR,
          code: 'COMMIT_TIMEOUT',
          message: `commit job ${jobId} still ${status ?? 'unknown'} after ${this.settings.commitTimeoutMs / 1000} s`,
          retryable: true,
        });
      }
      this.ctx.heartbeat?.({ commitJob: jobId, status, progress: textAt(job, 'progress') });
      await pause(this.settings.pollIntervalMs, this.ctx.signal);
    }
  }

  /**
   * Sends one XML API request. `status="error"` answers throw, except those `tolerate` accepts,
   * which are returned for the caller to read.
   */
  private async call(params: Record<string, string>, tolerate?: Tolerate): Promise<PanosResponse> {
    const res: HttpResponse<unknown> = await this.ctx.http.request<unknown>({
      method: 'POST',
      path: '/api/',
      form: params,
      headers: { 'x-pan-key': this.apiKey, accept: 'application/xml' },
      signal: this.ctx.signal,
      parseError: panosParseError,
    });
    const parsed = readResponse(res.body);
    if (!parsed) throw badResponse(`${params.type ?? ''} request answered something that is not XML API`);
    if (parsed.status === 'success') return parsed;
    const code = parsed.code;
    if (tolerate?.(code, parsed.messages)) return parsed;
    throw new VendorError({
      vendor: VENDOR,
      status: res.status,
      code,
      message: parsed.messages.join(' ') || `PAN-OS refused the ${params.type ?? ''} request`,
      retryable: code !== undefined && INTERNAL_CODES.has(code),
    });
  }
}

/** Member names of a static group entry (`<entry><static><member>…`), attributes ignored. */
export function staticMembers(entry: XmlElement | undefined): string[] {
  return childrenNamed(child(entry, 'static'), 'member').map((m) => m.text.trim());
}

type Tolerate = (code: string | undefined, messages: string[]) => boolean;

/** Code 7, or PAN-OS's "No such node" wording on builds that leave the code out. */
const notPresent: Tolerate = (code, messages) =>
  code === NOT_PRESENT || (!code && messages.some((m) => /no such node|not present|doesn't exist/i.test(m)));

function badResponse(message: string): VendorError {
  return new VendorError({ vendor: VENDOR, code: 'BAD_RESPONSE', message, retryable: false });
}
