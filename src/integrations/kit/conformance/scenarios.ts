import { CAPABILITIES } from '../capabilities';
import { caughtVendorError as vendorError } from '../testing';
import { CONFORMANCE_FIXTURES as F } from './fixtures';
import type { ConformanceHarness } from './harness';

type Input = Record<string, unknown>;

/**
 * How to reach a state where `capability` can act, using only capabilities (so it works for any
 * vendor): returns the input for the call under test. Setup calls run before any fault is queued.
 */
const SETUP: Record<string, (h: ConformanceHarness) => Promise<Input>> = {
  'edr.find_host': async () => ({ hostname: F.edr.hostname }),
  'edr.isolate_host': async (h) => ({ host_id: await hostId(h), comment: 'conformance' }),
  'edr.release_host': async (h) => {
    const input = { host_id: await hostId(h) };
    await h.call('edr.isolate_host', input, 'setup/isolate');
    return input;
  },
  'edr.kill_process': async (h) => ({ host_id: await hostId(h), sha256: F.edr.sha256, sha1: F.edr.sha1 }),
  'edr.quarantine_file': async (h) => ({ host_id: await hostId(h), sha256: F.edr.sha256, sha1: F.edr.sha1 }),
  'identity.find_user': async () => ({ user: F.identity.user }),
  'identity.suspend_user': async (h) => ({ user_id: await userId(h), reason: 'conformance' }),
  'identity.unsuspend_user': async (h) => {
    const input = { user_id: await userId(h) };
    await h.call('identity.suspend_user', input, 'setup/suspend');
    return input;
  },
  'identity.revoke_sessions': async (h) => ({ user_id: await userId(h) }),
  'identity.reset_mfa': async (h) => ({ user_id: await userId(h) }),
  'firewall.block_ip': async () => ({ ip: F.firewall.ip, comment: 'conformance' }),
  'firewall.unblock_ip': async (h) => {
    await h.call('firewall.block_ip', { ip: F.firewall.ip }, 'setup/block');
    return { ip: F.firewall.ip };
  },
  'firewall.block_domain': async () => ({ domain: F.firewall.domain, comment: 'conformance' }),
  'firewall.unblock_domain': async (h) => {
    await h.call('firewall.block_domain', { domain: F.firewall.domain }, 'setup/block');
    return { domain: F.firewall.domain };
  },
  'email.search_messages': async () => ({ internet_message_id: F.email.internetMessageId }),
  'email.quarantine_message': async (h) => firstCopy(h),
  'email.restore_message': async (h) => {
    const out = await h.call('email.quarantine_message', await firstCopy(h), 'setup/quarantine');
    return { mailbox: out.mailbox, message_id: out.message_id };
  },
  'email.block_sender': async () => ({ sender: F.email.sender, mailboxes: [...F.email.mailboxes] }),
  'intel.lookup': async () => ({ type: 'IP', value: F.intel.maliciousIp }),
  'notify.send': async () => ({ subject: 'Conformance', text: 'Cordon conformance check: please ignore.' }),
};

async function hostId(h: ConformanceHarness): Promise<string> {
  return String((await h.call('edr.find_host', { hostname: F.edr.hostname }, 'setup/find')).host_id);
}

async function userId(h: ConformanceHarness): Promise<string> {
  return String((await h.call('identity.find_user', { user: F.identity.user }, 'setup/find')).user_id);
}

async function firstCopy(h: ConformanceHarness): Promise<Input> {
  const found = await h.call(
    'email.search_messages',
    { internet_message_id: F.email.internetMessageId },
    'setup/search',
  );
  const [first] = found.messages as Input[];
  if (!first) throw new Error('the fake holds no copy of the conformance message');
  return { mailbox: first.mailbox, message_id: first.message_id };
}

export interface Scenario {
  name: string;
  run(h: ConformanceHarness): Promise<void>;
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** The scenarios every integration claiming `capability` must pass against its fake. */
export function scenariosFor(capability: string): Scenario[] {
  const contract = CAPABILITIES[capability];
  const setup = SETUP[capability];
  if (!contract || !setup) return [];
  const scenarios: Scenario[] = [
    {
      name: 'answers with the contract’s output',
      run: async (h) => void (await h.call(capability, await setup(h))),
    },
    {
      name: 'waits as told through a 429 storm, then acts exactly once',
      run: async (h) => {
        const input = await setup(h);
        const before = h.effects(capability).length;
        h.fake.injectFaults([2, 2, 2].map((s) => h.fake.rateLimitFault(s)));
        await h.call(capability, input);
        const waits = h.sleeps.filter((ms) => ms >= 1000);
        expect(waits.length >= 3, `expected 3 waits of about 2 s, saw ${JSON.stringify(h.sleeps)}`);
        if (contract.mutating)
          expect(
            h.effects(capability).length - before === 1,
            `expected one effect, saw ${h.effects(capability).length - before}`,
          );
      },
    },
    {
      name: 'rides out two 503s and succeeds on the third attempt',
      run: async (h) => {
        const input = await setup(h);
        const before = h.effects(capability).length;
        h.fake.injectFaults([{ status: 503 }, { status: 503 }]);
        await h.call(capability, input);
        if (contract.mutating) expect(h.effects(capability).length - before === 1, 'expected one effect');
      },
    },
    {
      name: 'refreshes an expired token and carries on',
      run: async (h) => {
        const input = await setup(h);
        if (!h.fake.expireTokens) return; // API-key vendors: nothing expires.
        h.fake.expireTokens();
        await h.call(capability, input);
      },
    },
  ];
  if (contract.mutating && 'already' in (contract.output.properties ?? {})) {
    scenarios.push({
      name: 'acts once when asked twice, and says so the second time',
      run: async (h) => {
        const input = await setup(h);
        const before = h.effects(capability).length;
        const first = await h.call(capability, input);
        const second = await h.call(capability, { ...input, ...nextRef(first) });
        expect(
          h.effects(capability).length - before === 1,
          `expected one effect, saw ${h.effects(capability).length - before}`,
        );
        expect(first.already === false, 'the first call must report already: false');
        expect(second.already === true, 'the second call must report already: true');
      },
    });
  }
  scenarios.push(...(SPECIFIC[capability] ?? []));
  return scenarios;
}

/** A moved message gets a new id at some vendors: a repeat addresses the copy where it now is. */
function nextRef(output: Input): Input {
  return typeof output.message_id === 'string' ? { message_id: output.message_id } : {};
}

const SPECIFIC: Record<string, Scenario[]> = {
  'edr.find_host': [
    {
      name: 'matches the hostname regardless of case',
      run: async (h) => {
        const host = await h.call('edr.find_host', { hostname: F.edr.hostname.toLowerCase() });
        expect(String(host.hostname).toLowerCase() === F.edr.hostname.toLowerCase(), 'wrong host');
      },
    },
    {
      name: 'fails an unknown host for good (non-retryable)',
      run: async (h) => {
        const err = await vendorError(h.call('edr.find_host', { hostname: F.edr.unknownHostname }));
        expect(!err.retryable, 'an unknown host must not be retried');
      },
    },
  ],
  'identity.find_user': [
    {
      name: 'fails an unknown user for good (non-retryable)',
      run: async (h) => {
        const err = await vendorError(h.call('identity.find_user', { user: F.identity.unknownUser }));
        expect(!err.retryable, 'an unknown user must not be retried');
      },
    },
  ],
  'email.search_messages': [
    {
      name: 'finds the message in every mailbox that received it',
      run: async (h) => {
        const found = await h.call('email.search_messages', {
          internet_message_id: F.email.internetMessageId,
        });
        const mailboxes = new Set((found.messages as Input[]).map((m) => String(m.mailbox).toLowerCase()));
        for (const m of F.email.mailboxes) expect(mailboxes.has(m), `no copy found in ${m}`);
      },
    },
  ],
  'intel.lookup': [
    {
      name: 'calls a listed IP malicious and a clean one harmless',
      run: async (h) => {
        const bad = await h.call('intel.lookup', { type: 'IP', value: F.intel.maliciousIp });
        expect(bad.verdict === 'malicious', `expected malicious, got ${String(bad.verdict)}`);
        const good = await h.call('intel.lookup', { type: 'IP', value: F.intel.harmlessIp });
        expect(good.verdict === 'harmless', `expected harmless, got ${String(good.verdict)}`);
      },
    },
  ],
};
