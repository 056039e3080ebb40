import { randomUUID } from 'node:crypto';
import {
  RecordingFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FaultSpec,
} from '../../../src/integrations/kit/fake-server';

/** A legacy connector URL's path: /webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>. */
export const TEAMS_FAKE_WEBHOOK_PATH =
  '/webhookb2/0c0de000-0000-4000-8000-00000000c0de@11111111-1111-4111-8111-111111111111' +
  '/IncomingWebhook/0123456789abcdef0123456789abcdef/22222222-2222-4222-8222-222222222222';
/** A Workflows URL's path; its query carries `sig`, the secret part. */
export const TEAMS_FAKE_WORKFLOW_PATH =
  '/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke';
export const TEAMS_FAKE_WORKFLOW_SIG = 'fake-workflow-signature-0123456789';

const MAX_BYTES = 28 * 1024;

export interface TeamsFakeOptions {
  /**
   * `connector` (default): the legacy Office 365 connector, 200 with body `1`, Teams' refusals
   * wrapped in a 200. `workflows`: Power Automate's webhook trigger, 202 Accepted.
   */
  mode?: 'connector' | 'workflows';
  /** The channel the webhook posts to, as effects name it. */
  channelName?: string;
}

export interface TeamsFakeMessage {
  channel: string;
  receivedAt: string;
  payload: Record<string, unknown>;
  /** The card's TextBlocks, in order (MessageCard: title and text). */
  texts: string[];
  /** Action.OpenUrl / OpenUri targets. */
  links: string[];
}

/**
 * A local Teams incoming webhook. The URL is the credential: only the configured path (and, for
 * Workflows, the `sig` query parameter) is accepted. See README.md.
 */
export class TeamsFake extends RecordingFakeServer {
  readonly mode: 'connector' | 'workflows';
  readonly channelName: string;
  readonly messages: TeamsFakeMessage[] = [];

  constructor(options: TeamsFakeOptions = {}) {
    super();
    this.mode = options.mode ?? 'connector';
    this.channelName = options.channelName ?? 'SOC / Alerts';
    this.route('POST', '/webhookb2/:group/IncomingWebhook/:id/:owner', (req) => this.connector(req));
    this.route('POST', '/workflows/:id/triggers/manual/paths/invoke', (req) => this.workflow(req));
    this.route('GET', '/__messages', () => ({ status: 200, body: this.messages }));
  }

  /** The full webhook URL this fake accepts. */
  get webhookUrl(): string {
    return this.mode === 'workflows'
      ? `${this.url}${TEAMS_FAKE_WORKFLOW_PATH}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${TEAMS_FAKE_WORKFLOW_SIG}`
      : `${this.url}${TEAMS_FAKE_WEBHOOK_PATH}`;
  }

  /** Throttling as Teams answers it: 429 with Retry-After (seconds). */
  override rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'text/plain; charset=utf-8' },
      body: 'Microsoft Teams endpoint returned HTTP error 429: too many requests',
    };
  }

  /** The connector's way: HTTP 200 with the refusal Teams gave in the body. */
  wrappedFailure(teamsStatus: number): FaultSpec {
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: wrapped(teamsStatus),
    };
  }

  protected override errorBody(status: number, message: string): unknown {
    return this.mode === 'workflows'
      ? { error: { code: `Http${status}`, message } }
      : `${message} (HTTP ${status})`;
  }

  private connector(req: FakeRequest): FakeResponse {
    if (this.mode !== 'connector' || req.path !== TEAMS_FAKE_WEBHOOK_PATH)
      return text(404, 'Webhook not found.');
    const payload = req.body;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      return text(400, 'Bad payload received by generic incoming webhook.');
    const card = readCard(payload as Record<string, unknown>);
    if ('problem' in card) return text(400, card.problem);
    // Teams' own refusal, wrapped in a 200 by the connector.
    if (Buffer.byteLength(JSON.stringify(payload)) > MAX_BYTES) return text(200, wrapped(413));
    this.accept(payload as Record<string, unknown>, card);
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'request-id': randomUUID() },
      body: '1',
    };
  }

  private workflow(req: FakeRequest): FakeResponse {
    if (this.mode !== 'workflows' || req.path !== TEAMS_FAKE_WORKFLOW_PATH)
      return {
        status: 404,
        body: { error: { code: 'WorkflowNotFound', message: 'The workflow could not be found.' } },
      };
    if (req.query.get('sig') !== TEAMS_FAKE_WORKFLOW_SIG)
      return {
        status: 401,
        body: {
          error: {
            code: 'DirectApiInvalidAuthorizationSignature',
            message: 'The provided signature is not valid.',
          },
        },
      };
    const payload = req.body;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      return {
        status: 400,
        body: { error: { code: 'InvalidRequestContent', message: 'The request content is not valid JSON.' } },
      };
    // The flow runs after the 202; a card it cannot post fails there, not here.
    const card = readCard(payload as Record<string, unknown>);
    if (!('problem' in card)) this.accept(payload as Record<string, unknown>, card);
    return { status: 202, headers: { 'x-ms-workflow-run-id': `08584${Date.now()}` } };
  }

  private accept(payload: Record<string, unknown>, card: { texts: string[]; links: string[] }): void {
    this.messages.push({ channel: this.channelName, receivedAt: new Date().toISOString(), payload, ...card });
    this.recordEffect('notify.send', this.channelName);
  }
}

/** Starts nothing: call `start()` on the result. */
export function createTeamsFake(options: TeamsFakeOptions = {}): TeamsFake {
  return new TeamsFake(options);
}

/** An Adaptive Card message wrapper or a MessageCard, read as what the channel would show. */
function readCard(
  payload: Record<string, unknown>,
): { texts: string[]; links: string[] } | { problem: string } {
  if (payload['@type'] === 'MessageCard') {
    if (typeof payload.text !== 'string' && typeof payload.summary !== 'string')
      return { problem: 'Summary or Text is required.' };
    const texts = [payload.title, payload.text].filter((t): t is string => typeof t === 'string');
    return { texts, links: [] };
  }
  const attachments = payload.attachments;
  if (payload.type !== 'message' || !Array.isArray(attachments) || !attachments.length)
    return { problem: 'Bad payload received by generic incoming webhook.' };
  const texts: string[] = [];
  const links: string[] = [];
  for (const raw of attachments as Array<Record<string, unknown>>) {
    const content = raw?.content as Record<string, unknown> | undefined;
    if (raw?.contentType !== 'application/vnd.microsoft.card.adaptive' || content?.type !== 'AdaptiveCard')
      return { problem: 'Bad payload received by generic incoming webhook.' };
    for (const el of (Array.isArray(content.body) ? content.body : []) as Array<Record<string, unknown>>) {
      if (el?.type === 'TextBlock' && typeof el.text === 'string') texts.push(el.text);
    }
    for (const action of (Array.isArray(content.actions) ? content.actions : []) as Array<
      Record<string, unknown>
    >) {
      if (action?.type === 'Action.OpenUrl' && typeof action.url === 'string') links.push(action.url);
    }
  }
  return { texts, links };
}

function wrapped(status: number): string {
  return (
    `Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error ${status} ` +
    `with ContextId tcid=0,server=cordon-teams-fake,cv=${randomUUID()}.0..`
  );
}

function text(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
