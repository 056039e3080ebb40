import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
// Types only: smtp-server is a dev dependency, loaded when the fake starts (see start()).
import type { SMTPServer, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type {
  FakeEffect,
  FakeVendorServer,
  FaultSpec,
  RecordedCall,
} from '../../../src/integrations/kit/integration.types';
import { parseMail } from './mime';

export const SMTP_FAKE_USERNAME = 'cordon-fake-smtp-user';
export const SMTP_FAKE_PASSWORD = 'fake-smtp-password-0123456789';
export const SMTP_FAKE_FROM = 'Cordon SOC <cordon@example.com>';
/** CONFORMANCE_FIXTURES.notify.to. */
export const SMTP_FAKE_TO = 'soc@example.com';

/** The SMTP command a fault answers; MAIL (the start of a transaction) unless `match.method` says. */
export type SmtpStage = 'AUTH' | 'MAIL' | 'RCPT' | 'DATA';

export interface SmtpFakeOptions {
  username?: string;
  password?: string;
  /** Recipients answered `550 5.1.1 … User unknown`. */
  unknownRecipients?: string[];
  /** Largest message accepted (SIZE), bytes. */
  maxSize?: number;
}

export interface ReceivedMail {
  queueId: string;
  envelope: { from: string; to: string[] };
  user: string;
  messageId?: string;
  subject?: string;
  from?: string;
  to?: string;
  headers: Record<string, string>;
  text?: string;
  html?: string;
  raw: string;
}

/** Every transaction the fake saw, accepted or not: how tests count attempts. */
export interface SmtpTransaction {
  stage: SmtpStage | 'ACCEPTED';
  reply: string;
}

/**
 * A local SMTP relay on smtp-server: AUTH PLAIN/LOGIN with the fake credentials (no anonymous
 * mail), STARTTLS off, messages parsed and kept. `calls` are the accepted messages; faults are
 * SMTP replies at a stage of the transaction. See README.md.
 */
export class SmtpFake implements FakeVendorServer {
  readonly messages: ReceivedMail[] = [];
  readonly transactions: SmtpTransaction[] = [];
  private readonly recordedCalls: RecordedCall[] = [];
  private readonly recordedEffects: FakeEffect[] = [];
  private faults: FaultSpec[] = [];
  private server: SMTPServer | undefined;
  private address: string | undefined;
  private readonly username: string;
  private readonly password: string;
  private readonly unknownRecipients: Set<string>;
  private readonly maxSize: number;

  constructor(options: SmtpFakeOptions = {}) {
    this.username = options.username ?? SMTP_FAKE_USERNAME;
    this.password = options.password ?? SMTP_FAKE_PASSWORD;
    this.unknownRecipients = new Set(
      (options.unknownRecipients ?? ['nobody@example.com']).map((a) => a.toLowerCase()),
    );
    this.maxSize = options.maxSize ?? 10 * 1024 * 1024;
  }

  get url(): string {
    if (!this.address) throw new Error('the fake server is not started');
    return this.address;
  }

  get calls(): readonly RecordedCall[] {
    return this.recordedCalls;
  }

  get effects(): readonly FakeEffect[] {
    return this.recordedEffects;
  }

  resetCalls(): void {
    this.recordedCalls.length = 0;
  }

  /**
   * Faults are HTTP-shaped across the kit; here `status` is an SMTP reply: 429 becomes
   * `421 4.7.0`, 500/502/503/504 become `451 4.3.0` (temporary), any other 4xx/5xx is sent as it
   * is. `body` (a string) is the reply text; `match.method` the stage (AUTH, MAIL, RCPT, DATA);
   * `match.pathPrefix` a prefix of the address at MAIL or RCPT.
   */
  injectFaults(faults: FaultSpec[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** SMTP's "slow down": 421, with the wait in the text as servers write it. */
  rateLimitFault(retryAfterSeconds: number): FaultSpec {
    return { status: 421, body: `4.7.0 Too many messages, try again in ${retryAfterSeconds} seconds` };
  }

  async start(port = 0): Promise<string> {
    if (this.address) return this.address;
    // Loaded here, not imported: the production image has no dev dependencies, and discovery loads
    // every integration's index (which references this file) at start.
    let Server: typeof SMTPServer;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy dev-only dependency
      Server = (require('smtp-server') as typeof import('smtp-server')).SMTPServer;
    } catch {
      throw new Error(
        'the SMTP fake needs the smtp-server package (a dev dependency, absent from production images)',
      );
    }
    const server = new Server(this.serverOptions());
    server.on('error', () => undefined); // a client vanishing mid-session is not our failure
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.server.address();
    this.address = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.address = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serverOptions(): SMTPServerOptions {
    return {
      name: 'smtp.fake.cordon.test',
      banner: 'Cordon SMTP fake',
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      // No TLS in the fake: no STARTTLS offered, and AUTH allowed on the plain connection.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      size: this.maxSize,
      logger: false,
      // Keeps close() prompt in tests: idle clients are cut after a second.
      closeTimeout: 1000,
      onAuth: (auth, _session, callback) => {
        void this.serve('AUTH', undefined).then((fault) => {
          if (fault) return callback(fault);
          if (auth.username === this.username && auth.password === this.password)
            return callback(null, { user: auth.username });
          this.transactions.push({ stage: 'AUTH', reply: '535 5.7.8 Authentication credentials invalid' });
          callback(null, { message: '5.7.8 Authentication credentials invalid', responseCode: 535 });
        });
      },
      onMailFrom: (address, _session, callback) => {
        void this.serve('MAIL', address.address).then((fault) => callback(fault ?? null));
      },
      onRcptTo: (address, _session, callback) => {
        void this.serve('RCPT', address.address).then((fault) => {
          if (fault) return callback(fault);
          if (this.unknownRecipients.has(address.address.toLowerCase())) {
            const reply = `5.1.1 <${address.address}>: Recipient address rejected: User unknown`;
            this.transactions.push({ stage: 'RCPT', reply: `550 ${reply}` });
            return callback(smtpError(550, reply));
          }
          callback();
        });
      },
      onData: (stream, session, callback) => {
        void readAll(stream).then(async (raw) => {
          const fault = await this.serve('DATA', undefined);
          if (fault) return callback(fault);
          if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded)
            return callback(
              smtpError(552, `5.3.4 Message exceeds the fixed maximum size of ${this.maxSize} bytes`),
            );
          const queueId = randomBytes(5).toString('hex').toUpperCase();
          this.accept(raw, session, queueId);
          callback(null, `2.0.0 Ok: queued as ${queueId}`);
        });
      },
    };
  }

  /** Serves the next fault queued for this stage, after its delay. */
  private async serve(stage: SmtpStage, address: string | undefined): Promise<Error | undefined> {
    const index = this.faults.findIndex(
      (f) =>
        (f.match?.method?.toUpperCase() ?? 'MAIL') === stage &&
        (!f.match?.pathPrefix || (address ?? '').startsWith(f.match.pathPrefix)),
    );
    if (index < 0) return undefined;
    const [fault] = this.faults.splice(index, 1);
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const code = smtpCode(fault.status);
    const text = typeof fault.body === 'string' ? fault.body : defaultText(code);
    this.transactions.push({ stage, reply: `${code} ${text}` });
    return smtpError(code, text);
  }

  private accept(raw: Buffer, session: SMTPServerSession, queueId: string): void {
    const parsed = parseMail(raw);
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
    };
    const mail: ReceivedMail = {
      queueId,
      envelope,
      user: String(session.user ?? ''),
      messageId: parsed.headers['message-id'],
      subject: parsed.headers.subject,
      from: parsed.headers.from,
      to: parsed.headers.to,
      headers: parsed.headers,
      text: parsed.text,
      html: parsed.html,
      raw: raw.toString('utf8'),
    };
    this.messages.push(mail);
    this.transactions.push({ stage: 'ACCEPTED', reply: `250 2.0.0 Ok: queued as ${queueId}` });
    this.recordedCalls.push({
      method: 'DATA',
      path: envelope.to.join(','),
      headers: parsed.headers,
      body: mail,
      at: Date.now(),
    });
    this.recordEffect('notify.send', envelope.to.join(','));
  }

  private recordEffect(capability: string, target: string): void {
    this.recordedEffects.push({ capability, target });
  }
}

/** Starts nothing: call `start()` on the result. */
export function createSmtpFake(options: SmtpFakeOptions = {}): SmtpFake {
  return new SmtpFake(options);
}

function smtpCode(status: number): number {
  if (status === 429) return 421;
  if ([500, 502, 503, 504].includes(status)) return 451;
  return status >= 400 && status < 600 ? status : 451;
}

function defaultText(code: number): string {
  if (code === 421) return '4.7.0 Service not available, try again later';
  if (code >= 400 && code < 500) return '4.3.0 Temporary failure, try again later';
  return '5.3.0 Permanent failure';
}

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
