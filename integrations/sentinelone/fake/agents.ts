import { createHash } from 'node:crypto';

export type FakeNetworkStatus = 'connected' | 'disconnecting' | 'disconnected' | 'connecting';
export const NETWORK_STATUSES: readonly FakeNetworkStatus[] = [
  'connected',
  'disconnecting',
  'disconnected',
  'connecting',
];

/** What a test may say about an agent; everything else gets a plausible default. */
export interface S1FakeAgentInput {
  computerName: string;
  id?: string;
  osType?: 'windows' | 'linux' | 'macos';
  osName?: string;
  osRevision?: string;
  ip?: string;
  networkStatus?: FakeNetworkStatus;
  /** Inactive agents do not check in: a network change stays …ing. */
  isActive?: boolean;
  lastActiveDate?: string;
}

/** An agent in the shape of GET /web/api/v2.1/agents (the fields adapters read, and some more). */
export interface S1AgentRecord {
  id: string;
  uuid: string;
  computerName: string;
  networkStatus: FakeNetworkStatus;
  isActive: boolean;
  isDecommissioned: boolean;
  infected: boolean;
  activeThreats: number;
  osType: string;
  osName: string;
  osRevision: string;
  machineType: string;
  domain: string;
  agentVersion: string;
  lastActiveDate: string;
  registeredAt: string;
  createdAt: string;
  updatedAt: string;
  externalIp: string;
  lastIpToMgmt: string;
  networkInterfaces: Array<{ id: string; name: string; inet: string[]; inet6: string[]; physical: string }>;
  accountId: string;
  accountName: string;
  siteId: string;
  siteName: string;
  groupId: string;
  groupName: string;
}

export const DEFAULT_AGENTS: S1FakeAgentInput[] = [
  {
    computerName: 'WS-01',
    osType: 'windows',
    osName: 'Windows 10 Pro',
    osRevision: '19045',
    ip: '10.20.1.15',
  },
  {
    computerName: 'WS-FIN-07',
    osType: 'windows',
    osName: 'Windows 11 Enterprise',
    osRevision: '22631',
    ip: '10.20.7.42',
  },
  {
    computerName: 'SRV-DB-02',
    osType: 'linux',
    osName: 'Red Hat Enterprise Linux 9.3',
    osRevision: '5.14.0-362.8.1.el9_3.x86_64',
    ip: '10.30.2.11',
  },
  {
    computerName: 'LAPTOP-OFF-05',
    osType: 'windows',
    osName: 'Windows 11 Pro',
    osRevision: '22631',
    ip: '10.20.5.5',
    isActive: false,
  },
  {
    computerName: 'WS-LAB-09',
    osType: 'windows',
    osName: 'Windows 10 Pro',
    osRevision: '19045',
    ip: '10.20.9.9',
    networkStatus: 'disconnected',
  },
];

const ACCOUNT_ID = '1100000000000000001';
const SITE_ID = '1200000000000000001';
const GROUP_ID = '1300000000000000001';

/**
 * The fake's agents. Network changes are asynchronous at SentinelOne, and the fake models them
 * without timers: an action leaves an agent `disconnecting` (or `connecting`); the next read of
 * that agent reports it and settles it, so the read after sees `disconnected` (or `connected`).
 * Inactive agents never settle, as an offline endpoint never picks the command up.
 */
export class S1AgentStore {
  private readonly byId = new Map<string, S1AgentRecord>();

  constructor(
    seed: S1FakeAgentInput[],
    private readonly now: () => number,
  ) {
    for (const input of seed) this.add(input);
  }

  add(input: S1FakeAgentInput): S1AgentRecord {
    if (!input || typeof input.computerName !== 'string' || !input.computerName)
      throw new Error('an agent needs a computerName');
    if (input.networkStatus !== undefined && !NETWORK_STATUSES.includes(input.networkStatus))
      throw new Error(`networkStatus must be one of ${NETWORK_STATUSES.join(', ')}`);
    let id = input.id ?? numericId(input.computerName);
    if (this.byId.has(id)) {
      if (input.id) throw new Error(`agent ${id} already exists`);
      id = numericId(`${input.computerName}#${this.byId.size}`); // the same name installed again
    }
    const octets = createHash('md5').update(id).digest();
    const ip = input.ip ?? `10.0.${octets[0]}.${octets[1]}`;
    const stamp = new Date(this.now()).toISOString();
    const record: S1AgentRecord = {
      id,
      uuid: createHash('md5').update(`uuid:${id}`).digest('hex'),
      computerName: input.computerName,
      networkStatus: input.networkStatus ?? 'connected',
      isActive: input.isActive ?? true,
      isDecommissioned: false,
      infected: false,
      activeThreats: 0,
      osType: input.osType ?? 'windows',
      osName: input.osName ?? 'Windows 10 Pro',
      osRevision: input.osRevision ?? '19045',
      machineType: /^SRV/i.test(input.computerName) ? 'server' : 'desktop',
      domain: 'CONTOSO',
      agentVersion: '23.4.2.14',
      lastActiveDate: input.lastActiveDate ?? stamp,
      registeredAt: '2024-01-15T09:00:00.000000Z',
      createdAt: '2024-01-15T09:00:00.000000Z',
      updatedAt: stamp,
      externalIp: '203.0.113.10',
      lastIpToMgmt: ip,
      networkInterfaces: [
        {
          id: numericId(`nic:${id}`),
          name: 'Ethernet',
          inet: [ip],
          inet6: [],
          physical: [...octets.subarray(2, 8)].map((b) => b.toString(16).padStart(2, '0')).join(':'),
        },
      ],
      accountId: ACCOUNT_ID,
      accountName: 'Contoso',
      siteId: SITE_ID,
      siteName: 'Default site',
      groupId: GROUP_ID,
      groupName: 'Default Group',
    };
    this.byId.set(id, record);
    return record;
  }

  all(): S1AgentRecord[] {
    return [...this.byId.values()];
  }

  /** Without side effects; for tests and filters. */
  peek(id: string): S1AgentRecord | undefined {
    return this.byId.get(id);
  }

  /** A read by an API client: returns a copy, then settles a pending network change. */
  read(id: string): S1AgentRecord | undefined {
    const agent = this.byId.get(id);
    if (!agent) return undefined;
    const snapshot = structuredClone(agent);
    if (agent.isActive && agent.networkStatus === 'disconnecting') this.set(agent, 'disconnected');
    else if (agent.isActive && agent.networkStatus === 'connecting') this.set(agent, 'connected');
    return snapshot;
  }

  /**
   * Applies disconnect or connect. Returns whether it changed anything: disconnecting an agent
   * already disconnected (or on its way there) is a no-op, though the agent still counts as affected.
   */
  act(id: string, action: 'disconnect' | 'connect'): boolean {
    const agent = this.byId.get(id);
    if (!agent) return false;
    const [transitional, settled]: FakeNetworkStatus[] =
      action === 'disconnect' ? ['disconnecting', 'disconnected'] : ['connecting', 'connected'];
    if (agent.networkStatus === transitional || agent.networkStatus === settled) return false;
    this.set(agent, transitional);
    return true;
  }

  private set(agent: S1AgentRecord, status: FakeNetworkStatus): void {
    agent.networkStatus = status;
    agent.updatedAt = new Date(this.now()).toISOString();
  }
}

/** SentinelOne ids are 18–19 digit numbers sent as strings; derived from the name to stay stable. */
function numericId(seed: string): string {
  const digest = createHash('sha256').update(`s1-fake:${seed}`).digest();
  return (BigInt(`0x${digest.subarray(0, 7).toString('hex')}`) + 1_000_000_000_000_000_000n).toString();
}
