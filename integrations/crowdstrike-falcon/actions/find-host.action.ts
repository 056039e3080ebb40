import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { VendorError } from '../../../src/integrations/kit/vendor-error';
import { FalconClient, hostNotFound, hostStatus, VENDOR, type FalconDevice } from '../falcon.client';

export interface FindHostInput {
  hostname: string;
}

export interface FoundHost extends Record<string, unknown> {
  host_id: string;
  hostname: string;
  os?: string;
  ip?: string;
  status: string;
  last_seen?: string;
}

const contract = CAPABILITIES['edr.find_host'];

export const findHost: IntegrationAction<FindHostInput, FoundHost> = {
  name: 'find_host',
  description: contract.description,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: false,
  /** Finds the Falcon host with this hostname (exact, case-insensitive); the most recently seen wins. */
  async run(ctx: ActionContext, input: FindHostInput): Promise<FoundHost> {
    const hostname = typeof input?.hostname === 'string' ? input.hostname.trim() : '';
    if (!hostname) {
      throw new VendorError({
        vendor: VENDOR,
        code: 'BAD_INPUT',
        message: 'hostname is required',
        retryable: false,
      });
    }
    const falcon = new FalconClient(ctx);
    let devices = await falcon.devices(await falcon.queryDeviceIds(`hostname:['${fqlQuote(hostname)}']`));
    if (!devices.length) {
      // FQL's exact form is case-sensitive but the capability is not: fall back to Falcon's
      // case-insensitive (partial) form and keep only names equal but for case.
      const partial = await falcon.devices(await falcon.queryDeviceIds(`hostname:'${fqlQuote(hostname)}'`));
      devices = partial.filter((d) => d.hostname?.toLowerCase() === hostname.toLowerCase());
    }
    const device = mostRecent(devices);
    if (!device) throw hostNotFound(`no Falcon host named "${hostname}"`);
    return toHost(device);
  },
};

/** A re-imaged machine leaves a stale record with the same name; the live one was seen last. */
function mostRecent(devices: FalconDevice[]): FalconDevice | undefined {
  return [...devices].sort((a, b) => (b.last_seen ?? '').localeCompare(a.last_seen ?? ''))[0];
}

export function toHost(device: FalconDevice): FoundHost {
  const host: FoundHost = {
    host_id: device.device_id,
    hostname: device.hostname,
    status: hostStatus(device.status),
  };
  const os = osName(device.platform_name, device.os_version);
  if (os) host.os = os;
  if (device.local_ip) host.ip = device.local_ip;
  if (device.last_seen) host.last_seen = device.last_seen;
  return host;
}

/** "Windows" + "Windows 10" reads better as "Windows 10"; "Linux" + "RHEL 9.3" as "Linux RHEL 9.3". */
function osName(platform: string | undefined, version: string | undefined): string | undefined {
  if (!platform) return version || undefined;
  if (!version) return platform;
  return version.toLowerCase().startsWith(platform.toLowerCase()) ? version : `${platform} ${version}`;
}

/** FQL string literals escape quotes and backslashes with a backslash. */
function fqlQuote(value: string): string {
  return value.replace(/[\\']/g, '\\$&');
}
