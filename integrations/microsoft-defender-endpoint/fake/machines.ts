import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** EICAR's SHA-1 (the conformance fixture): present on WS-01 in the default seed. */
export const EICAR_SHA1 = '3395856ce81f2b7382dee72602f798b642f14140';

/** What a test may say about a machine; everything else gets a plausible default. */
export interface MdeFakeMachineInput {
  computerDnsName: string;
  id?: string;
  osPlatform?: string;
  version?: string;
  osBuild?: number | null;
  lastIpAddress?: string;
  lastSeen?: string;
  /** `Inactive` machines do not pick up actions: theirs stay Pending. */
  healthStatus?: string;
  isolated?: boolean;
  /** SHA-1s of files on the machine that StopAndQuarantineFile can find. */
  files?: string[];
}

/** A machine in the shape of GET /api/machines (the documented fields). */
export interface MdeMachineRecord {
  id: string;
  computerDnsName: string;
  firstSeen: string;
  lastSeen: string;
  osPlatform: string;
  osProcessor: string;
  version: string;
  osBuild: number | null;
  lastIpAddress: string;
  lastExternalIpAddress: string;
  agentVersion: string;
  healthStatus: string;
  deviceValue: string;
  onboardingStatus: string;
  rbacGroupId: number;
  rbacGroupName: string;
  riskScore: string;
  exposureLevel: string;
  isAadJoined: boolean;
  aadDeviceId: string | null;
  machineTags: string[];
}

/** A MachineAction in the shape of GET /api/machineactions/{id}. */
export interface MdeMachineActionRecord {
  id: string;
  type: 'Isolate' | 'Unisolate' | 'StopAndQuarantineFile';
  title: string;
  scope: string | null;
  requestor: string;
  requestorComment: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'TimeOut' | 'Cancelled';
  machineId: string;
  computerDnsName: string;
  creationDateTimeUtc: string;
  lastUpdateDateTimeUtc: string;
  cancellationRequestor: string | null;
  cancellationComment: string | null;
  cancellationDateTimeUtc: string | null;
  errorHResult: number;
  externalId: string | null;
  requestSource: string;
  relatedFileInfo: { fileIdentifier: string; fileIdentifierType: 'Sha1' } | null;
  commands: unknown[];
  troubleshootInfo: unknown;
}

export const DEFAULT_MACHINES: MdeFakeMachineInput[] = [
  {
    computerDnsName: 'ws-01.contoso.com',
    osPlatform: 'Windows10',
    version: '22H2',
    osBuild: 19045,
    lastIpAddress: '10.20.1.15',
    files: [EICAR_SHA1],
  },
  {
    computerDnsName: 'ws-fin-07.contoso.com',
    osPlatform: 'Windows11',
    version: '23H2',
    osBuild: 22631,
    lastIpAddress: '10.20.7.42',
  },
  // The same name onboarded before a re-image: older, inactive.
  {
    computerDnsName: 'ws-fin-07.contoso.com',
    osPlatform: 'Windows10',
    version: '21H2',
    osBuild: 19044,
    lastIpAddress: '10.20.7.40',
    lastSeen: '2024-01-10T08:00:00.000Z',
    healthStatus: 'Inactive',
  },
  {
    computerDnsName: 'srv-db-02.contoso.com',
    osPlatform: 'Linux',
    version: 'RHEL 9.3',
    osBuild: null,
    lastIpAddress: '10.30.2.11',
  },
  {
    computerDnsName: 'laptop-off-05.contoso.com',
    osPlatform: 'Windows11',
    version: '23H2',
    osBuild: 22631,
    lastIpAddress: '10.20.5.5',
    healthStatus: 'Inactive',
  },
  // A workgroup machine: its computerDnsName is the bare name. Seeded isolated.
  {
    computerDnsName: 'ws-lab-09',
    osPlatform: 'Windows10',
    version: '22H2',
    osBuild: 19045,
    lastIpAddress: '10.20.9.9',
    isolated: true,
  },
];

const ISOLATION_TYPES = ['Full', 'Selective', 'UnManagedDevice'];
/** HRESULT for "file not found", as a failed StopAndQuarantineFile reports it. */
const FILE_NOT_FOUND = -2147024894;

interface MachineState {
  record: MdeMachineRecord;
  isolated: boolean;
  files: Set<string>;
  quarantined: Set<string>;
}

export type ActionRequest =
  | { type: 'Isolate'; comment: string; isolationType: string }
  | { type: 'Unisolate'; comment: string }
  | { type: 'StopAndQuarantineFile'; comment: string; sha1: string };

/**
 * The fake's machines and machine actions. Actions are asynchronous at Defender, and the fake
 * models it without timers: every read of an action reports its status, then moves it one step
 * (Pending → InProgress → Succeeded or Failed), so polling settles it in three reads. Actions on
 * an Inactive machine stay Pending, as for a device that is offline.
 */
export class MdeMachineStore {
  private readonly machines = new Map<string, MachineState>();
  private readonly actions = new Map<string, MdeMachineActionRecord>();
  private lastStamp = 0;

  constructor(
    seed: MdeFakeMachineInput[],
    private readonly now: () => number,
  ) {
    for (const input of seed) this.add(input);
  }

  add(input: MdeFakeMachineInput): MdeMachineRecord {
    if (!input || typeof input.computerDnsName !== 'string' || !input.computerDnsName)
      throw new Error('a machine needs a computerDnsName');
    let id = input.id ?? stableId(input.computerDnsName);
    if (this.machines.has(id)) {
      if (input.id) throw new Error(`machine ${id} already exists`);
      id = randomBytes(20).toString('hex'); // the same name onboarded again, as after a re-image
    }
    const octets = createHash('md5').update(id).digest();
    const record: MdeMachineRecord = {
      id,
      computerDnsName: input.computerDnsName,
      firstSeen: '2024-01-02T09:00:00.000Z',
      lastSeen: input.lastSeen ?? new Date(this.now()).toISOString(),
      osPlatform: input.osPlatform ?? 'Windows10',
      osProcessor: 'x64',
      version: input.version ?? '22H2',
      osBuild: input.osBuild === undefined ? 19045 : input.osBuild,
      lastIpAddress: input.lastIpAddress ?? `10.0.${octets[0]}.${octets[1]}`,
      lastExternalIpAddress: '203.0.113.10',
      agentVersion: '10.8760.19041.4355',
      healthStatus: input.healthStatus ?? 'Active',
      deviceValue: 'Normal',
      onboardingStatus: 'Onboarded',
      rbacGroupId: 0,
      rbacGroupName: 'UnassignedGroup',
      riskScore: 'None',
      exposureLevel: 'Low',
      isAadJoined: true,
      aadDeviceId: randomUUID(),
      machineTags: [],
    };
    this.machines.set(id, {
      record,
      isolated: input.isolated ?? false,
      files: new Set((input.files ?? []).map((f) => f.toLowerCase())),
      quarantined: new Set(),
    });
    // Defender shows isolation only through machine actions: a machine seeded isolated gets the
    // Isolate action that did it, from before anything the fake serves.
    if (input.isolated) this.seedIsolation(record);
    return record;
  }

  allMachines(): MdeMachineRecord[] {
    return [...this.machines.values()].map((m) => m.record);
  }

  machine(id: string): MdeMachineRecord | undefined {
    return this.machines.get(id)?.record;
  }

  /** Fake-internal state, for tests and `GET /__machines`. */
  state(id: string): { isolated: boolean; files: string[]; quarantined: string[] } | undefined {
    const m = this.machines.get(id);
    return m && { isolated: m.isolated, files: [...m.files], quarantined: [...m.quarantined] };
  }

  /** Without side effects; for tests. */
  peekAction(id: string): MdeMachineActionRecord | undefined {
    return this.actions.get(id);
  }

  allActions(): MdeMachineActionRecord[] {
    return [...this.actions.values()];
  }

  /** A read by an API client: returns a copy, then moves the action one step on. */
  readAction(id: string): MdeMachineActionRecord | undefined {
    const action = this.actions.get(id);
    if (!action) return undefined;
    const snapshot = structuredClone(action);
    this.advance(action);
    return snapshot;
  }

  /**
   * Creates a machine action, or says why not: a repeat of an isolation change already in
   * progress or already in effect, or a quarantine of a file already being quarantined there,
   * is refused ("busy"), as Defender refuses duplicates with 400 "Action is already in progress".
   */
  request(
    machineId: string,
    req: ActionRequest,
    requestor: string,
  ): { action: MdeMachineActionRecord } | { refused: 'busy' | 'platform' | 'isolation-type' } {
    const machine = this.machines.get(machineId);
    if (!machine) throw new Error(`unknown machine ${machineId}`);
    const active = this.allActions().filter(
      (a) => a.machineId === machineId && (a.status === 'Pending' || a.status === 'InProgress'),
    );
    const activeOf = (type: string) => active.some((a) => a.type === type);
    if (req.type === 'Isolate') {
      if (!ISOLATION_TYPES.includes(req.isolationType)) return { refused: 'isolation-type' };
      if (activeOf('Isolate') || (machine.isolated && !activeOf('Unisolate'))) return { refused: 'busy' };
    } else if (req.type === 'Unisolate') {
      if (activeOf('Unisolate') || (!machine.isolated && !activeOf('Isolate'))) return { refused: 'busy' };
    } else {
      if (!machine.record.osPlatform.startsWith('Windows')) return { refused: 'platform' };
      if (active.some((a) => a.type === req.type && a.relatedFileInfo?.fileIdentifier === req.sha1))
        return { refused: 'busy' };
    }
    const action = this.newAction(machine.record, req, requestor);
    this.actions.set(action.id, action);
    return { action };
  }

  private newAction(
    machine: MdeMachineRecord,
    req: ActionRequest,
    requestor: string,
  ): MdeMachineActionRecord {
    const stamp = this.stamp();
    return {
      id: randomUUID(),
      type: req.type,
      title: `${req.type} on ${machine.computerDnsName}`,
      scope: req.type === 'Isolate' ? req.isolationType : null,
      requestor,
      requestorComment: req.comment,
      status: 'Pending',
      machineId: machine.id,
      computerDnsName: machine.computerDnsName,
      creationDateTimeUtc: stamp,
      lastUpdateDateTimeUtc: stamp,
      cancellationRequestor: null,
      cancellationComment: null,
      cancellationDateTimeUtc: null,
      errorHResult: 0,
      externalId: null,
      requestSource: 'PublicApi',
      relatedFileInfo:
        req.type === 'StopAndQuarantineFile'
          ? { fileIdentifier: req.sha1, fileIdentifierType: 'Sha1' }
          : null,
      commands: [],
      troubleshootInfo: null,
    };
  }

  /** Cancels a running action; false when it has already finished. */
  cancel(id: string, requestor: string, comment: string): MdeMachineActionRecord | undefined {
    const action = this.actions.get(id);
    if (!action || (action.status !== 'Pending' && action.status !== 'InProgress')) return undefined;
    const stamp = this.stamp();
    Object.assign(action, {
      status: 'Cancelled',
      cancellationRequestor: requestor,
      cancellationComment: comment,
      cancellationDateTimeUtc: stamp,
      lastUpdateDateTimeUtc: stamp,
    });
    return structuredClone(action);
  }

  private seedIsolation(machine: MdeMachineRecord): void {
    const stamp = '2024-01-05T10:00:00.000Z';
    const action: MdeMachineActionRecord = {
      ...this.newAction(
        machine,
        { type: 'Isolate', comment: 'Isolated during triage', isolationType: 'Full' },
        'analyst@contoso.com',
      ),
      status: 'Succeeded',
      creationDateTimeUtc: stamp,
      lastUpdateDateTimeUtc: stamp,
      requestSource: 'Portal',
    };
    this.actions.set(action.id, action);
  }

  private advance(action: MdeMachineActionRecord): void {
    const machine = this.machines.get(action.machineId);
    if (!machine || machine.record.healthStatus === 'Inactive') return;
    if (action.status === 'Pending') action.status = 'InProgress';
    else if (action.status === 'InProgress') action.status = this.complete(action, machine);
    else return;
    action.lastUpdateDateTimeUtc = this.stamp();
  }

  private complete(action: MdeMachineActionRecord, machine: MachineState): MdeMachineActionRecord['status'] {
    if (action.type === 'Isolate') machine.isolated = true;
    else if (action.type === 'Unisolate') machine.isolated = false;
    else {
      const sha1 = action.relatedFileInfo?.fileIdentifier ?? '';
      if (!machine.files.delete(sha1)) {
        action.errorHResult = FILE_NOT_FOUND;
        return 'Failed';
      }
      machine.quarantined.add(sha1);
    }
    return 'Succeeded';
  }

  /** Strictly increasing timestamps, so "newest action" is well defined even within one millisecond. */
  private stamp(): string {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }
}

/** Same name, same machine id on every run, so examples and fixtures stay stable. */
function stableId(computerDnsName: string): string {
  return createHash('sha1').update(`mde-fake:${computerDnsName}`).digest('hex');
}
