/** The fake Slack workspace: its team, bot, channels, people and the messages posted. */

export interface FakeTeam {
  id: string;
  domain: string;
  name: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** Whether the app's bot user is in it (else chat.postMessage answers not_in_channel). */
  botIsMember: boolean;
  archived?: boolean;
}

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  email: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
  /** The user who posted it: the bot for everything the app posts. */
  user: string;
  metadata?: unknown;
  edited?: { user: string; ts: string };
}

export const FAKE_TEAM: FakeTeam = { id: 'T0CORDON01', domain: 'cordon-test', name: 'Cordon Test' };
export const FAKE_BOT = { userId: 'U0CORDONBOT', botId: 'B0CORDONBOT', appId: 'A0CORDONAPP', name: 'cordon' };

export const DEFAULT_CHANNELS: FakeChannel[] = [
  { id: 'C0SOCALERTS', name: 'soc-alerts', botIsMember: true },
  { id: 'C0APPROVALS', name: 'soc-approvals', botIsMember: true },
  { id: 'C0GENERAL01', name: 'general', botIsMember: false },
  { id: 'C0OLDINCIDT', name: 'old-incidents', botIsMember: true, archived: true },
];

export const DEFAULT_USERS: FakeUser[] = [
  // CONFORMANCE_FIXTURES.notify.to: a notification to this address lands in this user's DM.
  { id: 'U0SOCLEAD01', name: 'soc', realName: 'SOC on call', email: 'soc@example.com' },
  { id: 'U0ALICE0001', name: 'alice', realName: 'Alice Analyst', email: 'alice@example.com' },
];

export class FakeWorkspace {
  readonly channels: FakeChannel[];
  readonly users: FakeUser[];
  readonly messages: FakeMessage[] = [];
  private lastTs = 0;

  constructor(
    channels: FakeChannel[],
    users: FakeUser[],
    private readonly now: () => number,
  ) {
    this.channels = channels.map((c) => ({ ...c }));
    this.users = users.map((u) => ({ ...u }));
  }

  /** By id (C…, G…, D…), `#name` or name; a user id opens (or finds) the app's DM with that user. */
  channel(ref: string): FakeChannel | undefined {
    const found = this.channels.find((c) => c.id === ref || `#${c.name}` === ref || c.name === ref);
    if (found) return found;
    const user = this.users.find((u) => u.id === ref);
    if (!user) return undefined;
    const dm: FakeChannel = { id: `D${user.id.slice(1)}`, name: user.id, botIsMember: true };
    this.channels.push(dm);
    return dm;
  }

  userByEmail(email: string): FakeUser | undefined {
    return this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  user(ref: string): FakeUser | undefined {
    return this.users.find((u) => u.id === ref || u.email.toLowerCase() === ref.toLowerCase());
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Slack message timestamps: epoch seconds and a 6-digit sequence, unique per workspace here. */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 100);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}
