import { createHash, randomBytes } from 'node:crypto';

/** What a test may say about a device; everything else gets a plausible default. */
export interface FalconFakeDeviceInput {
  hostname: string;
  device_id?: string;
  platform_name?: string;
  os_version?: string;
  local_ip?: string;
  status?: string;
}

/** A device record in the shape of GET /devices/entities/devices/v2 (the fields adapters read). */
export interface FalconDeviceRecord {
  device_id: string;
  cid: string;
  hostname: string;
  local_ip: string;
  external_ip: string;
  mac_address: string;
  platform_name: string;
  os_version: string;
  agent_version: string;
  product_type_desc: string;
  first_seen: string;
  last_seen: string;
  status: string;
  tags: string[];
  groups: string[];
}

export const FALCON_STATUSES = ['normal', 'containment_pending', 'contained', 'lift_containment_pending'];
export const FAKE_CID = 'c0ffee00c0ffee00c0ffee00c0ffee00';

export const DEFAULT_DEVICES: FalconFakeDeviceInput[] = [
  { hostname: 'WS-01', platform_name: 'Windows', os_version: 'Windows 10', local_ip: '10.20.1.15' },
  { hostname: 'WS-FIN-07', platform_name: 'Windows', os_version: 'Windows 11', local_ip: '10.20.7.42' },
  { hostname: 'SRV-DB-02', platform_name: 'Linux', os_version: 'RHEL 9.3', local_ip: '10.30.2.11' },
  { hostname: 'MBP-DES-03', platform_name: 'Mac', os_version: 'Sonoma (14)', local_ip: '10.20.3.77' },
  {
    hostname: 'WS-LAB-09',
    platform_name: 'Windows',
    os_version: 'Windows 10',
    local_ip: '10.20.9.9',
    status: 'contained',
  },
];

/**
 * The fake's devices. Containment is asynchronous at Falcon, and the fake models it without
 * timers: an action leaves a device `…_pending`; the next read of that device reports the
 * pending status and settles it, so the read after that sees `contained` (or `normal`).
 */
export class FalconDeviceStore {
  private readonly byId = new Map<string, FalconDeviceRecord>();

  constructor(seed: FalconFakeDeviceInput[]) {
    for (const input of seed) this.add(input);
  }

  add(input: FalconFakeDeviceInput): FalconDeviceRecord {
    if (!input || typeof input.hostname !== 'string' || !input.hostname)
      throw new Error('a device needs a hostname');
    if (input.status !== undefined && !FALCON_STATUSES.includes(input.status)) {
      throw new Error(`status must be one of ${FALCON_STATUSES.join(', ')}`);
    }
    let id = input.device_id ?? stableId(input.hostname);
    if (this.byId.has(id)) {
      if (input.device_id) throw new Error(`device ${id} already exists`);
      id = randomBytes(16).toString('hex'); // a second host with the same name, as after a re-image
    }
    const octets = createHash('md5').update(id).digest();
    const record: FalconDeviceRecord = {
      device_id: id,
      cid: FAKE_CID,
      hostname: input.hostname,
      local_ip: input.local_ip ?? `10.0.${octets[0]}.${octets[1]}`,
      external_ip: '203.0.113.10',
      mac_address: [...octets.subarray(2, 8)].map((b) => b.toString(16).padStart(2, '0')).join('-'),
      platform_name: input.platform_name ?? 'Windows',
      os_version: input.os_version ?? 'Windows 10',
      agent_version: '7.10.18110.0',
      product_type_desc: /^SRV/i.test(input.hostname) ? 'Server' : 'Workstation',
      first_seen: '2024-01-15T09:00:00Z',
      last_seen: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      status: input.status ?? 'normal',
      tags: [],
      groups: [],
    };
    this.byId.set(id, record);
    return record;
  }

  all(): FalconDeviceRecord[] {
    return [...this.byId.values()];
  }

  /** Without side effects; for tests and the query endpoint. */
  peek(id: string): FalconDeviceRecord | undefined {
    return this.byId.get(id);
  }

  /** A read by an API client: returns a copy, then settles a pending containment change. */
  read(id: string): FalconDeviceRecord | undefined {
    const device = this.byId.get(id);
    if (!device) return undefined;
    const snapshot = structuredClone(device);
    if (device.status === 'containment_pending') device.status = 'contained';
    else if (device.status === 'lift_containment_pending') device.status = 'normal';
    return snapshot;
  }

  /**
   * Applies a containment action; the last write wins, as at Falcon. Returns whether it changed
   * anything (a contain on a host already contained or on its way there is a no-op).
   */
  act(id: string, action: 'contain' | 'lift_containment'): boolean {
    const device = this.byId.get(id);
    if (!device) return false;
    const target = action === 'contain' ? 'containment_pending' : 'lift_containment_pending';
    const settled = action === 'contain' ? 'contained' : 'normal';
    if (device.status === target || device.status === settled) return false;
    device.status = target;
    return true;
  }
}

/** Same hostname, same AID on every run, so examples and fixtures stay stable. */
function stableId(hostname: string): string {
  return createHash('md5').update(`falcon-fake:${hostname}`).digest('hex');
}
