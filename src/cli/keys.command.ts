import { ConfigError, loadConfig, type AppConfig } from '../config/config';
import { isUuid } from '../common/ids';
import { resolveMasterKeyring } from '../integrations/master-key';
import type { MasterKeyring } from '../integrations/master-keyring';
import { MasterKeyRotation, type TenantRef, type Unopenable } from '../integrations/master-key-rotation';
import { SecretBox } from '../integrations/secret-box';
import type { CliIo } from './cli-io';
import { openCliDatabase } from './cli-database';

export const KEYS_USAGE = 'usage: cordon keys status | cordon keys rotate [--tenant ID]...';

type Env = Record<string, string | undefined>;

/**
 * `cordon keys status` lists the data keys per master key, so an operator knows when
 * CORDON_MASTER_KEY_PREVIOUS can go; `cordon keys rotate` re-wraps them all under
 * CORDON_MASTER_KEY, tenant by tenant (again after a crash: it finishes what is left).
 * Exit 0 when done, 1 when a data key opens with no configured key (or the work failed), 2 on usage.
 */
export async function runKeys(
  command: string | undefined,
  argv: string[],
  io: CliIo,
  env: Env = process.env,
): Promise<number> {
  if (command !== 'status' && command !== 'rotate')
    return usage(io, `unknown command "keys ${command ?? ''}"`);
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.out(KEYS_USAGE);
      return 0;
    }
    if (command === 'rotate' && arg === '--tenant') {
      const id = argv[++i];
      if (id === undefined || !isUuid(id))
        return usage(io, `--tenant needs a tenant id (a UUID), got "${id ?? ''}"`);
      only.push(id);
    } else return usage(io, `unknown argument "${arg}"`);
  }

  let keys: MasterKeyring;
  let config: AppConfig;
  try {
    config = loadConfig(env);
    keys = resolveMasterKeyring(config, { create: false });
  } catch (err) {
    io.err(err instanceof ConfigError ? err.message : `cordon keys: ${(err as Error).message}`);
    return 2;
  }
  const box = new SecretBox(keys);
  let database;
  try {
    database = await openCliDatabase(config);
  } catch (err) {
    io.err(`cordon keys: cannot open the database: ${(err as Error).message}`);
    return 1;
  }
  try {
    io.out(`master keys: ${keys.describe()} (${database.where})`);
    const rotation = new MasterKeyRotation(database.db, box);
    const tenants = await rotation.tenants(only);
    return command === 'rotate'
      ? await rotate(rotation, tenants, keys, io)
      : await status(rotation, tenants, keys, io);
  } catch (err) {
    io.err(`cordon keys ${command}: ${(err as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}

async function rotate(
  rotation: MasterKeyRotation,
  tenants: TenantRef[],
  keys: MasterKeyring,
  io: CliIo,
): Promise<number> {
  let rewrapped = 0;
  let current = 0;
  const unopenable: Unopenable[] = [];
  for (const tenant of tenants) {
    const r = await rotation.rotateTenant(tenant.id);
    rewrapped += r.rewrapped;
    current += r.alreadyCurrent;
    unopenable.push(...r.unopenable);
    io.out(
      `tenant ${tenant.name} (${tenant.id}): ${r.rewrapped} rewrapped, ${r.alreadyCurrent} already current` +
        (r.unopenable.length ? `, ${r.unopenable.length} unopenable` : ''),
    );
    reportUnopenable(r.unopenable, io);
  }
  io.out(
    `rotated ${tenants.length} tenant(s) to ${keys.current.source} ${keys.current.id}: ` +
      `${rewrapped} data key(s) rewrapped, ${current} already current, ${unopenable.length} unopenable`,
  );
  return failIfUnopenable(unopenable, io);
}

async function status(
  rotation: MasterKeyRotation,
  tenants: TenantRef[],
  keys: MasterKeyring,
  io: CliIo,
): Promise<number> {
  const total = new Map<string, number>();
  let legacy = 0;
  const unopenable: Unopenable[] = [];
  for (const tenant of tenants) {
    const s = await rotation.statusOfTenant(tenant.id);
    for (const [id, n] of s.byKey) total.set(id, (total.get(id) ?? 0) + n);
    legacy += s.legacy;
    unopenable.push(...s.unopenable);
    io.out(
      `tenant ${tenant.name} (${tenant.id}): ${countsLine(s.byKey, s.legacy, s.unopenable.length, keys)}`,
    );
    reportUnopenable(s.unopenable, io);
  }
  io.out(`total: ${countsLine(total, legacy, unopenable.length, keys)}`);
  const stale = [...total].filter(([id]) => id !== keys.current.id).reduce((n, [, c]) => n + c, 0);
  if (stale || legacy) {
    io.out(
      `${stale + legacy} data key(s) need cordon keys rotate before CORDON_MASTER_KEY_PREVIOUS can be dropped`,
    );
  } else if (!unopenable.length) {
    io.out(
      keys.previous.length
        ? 'every data key is under CORDON_MASTER_KEY: CORDON_MASTER_KEY_PREVIOUS can be removed'
        : 'every data key is under CORDON_MASTER_KEY',
    );
  }
  return failIfUnopenable(unopenable, io);
}

function countsLine(
  byKey: Map<string, number>,
  legacy: number,
  unopenable: number,
  keys: MasterKeyring,
): string {
  const parts = keys
    .all()
    .filter((k) => byKey.has(k.id))
    .map((k) => `${k.id} (${k.source}) ${byKey.get(k.id)}`);
  if (legacy) parts.push(`${legacy} of them stored without a key id`);
  if (unopenable) parts.push(`${unopenable} unopenable`);
  return parts.join(', ') || 'no data keys';
}

function reportUnopenable(rows: Unopenable[], io: CliIo): void {
  for (const u of rows) io.err(`  ${u.what} ${u.id}: ${u.reason}`);
}

function failIfUnopenable(rows: Unopenable[], io: CliIo): number {
  if (!rows.length) return 0;
  io.err(
    `${rows.length} data key(s) open with no configured master key (listed above): add the key that ` +
      'wrapped them to CORDON_MASTER_KEY_PREVIOUS and run the command again',
  );
  return 1;
}

function usage(io: CliIo, problem: string): number {
  io.err(problem);
  io.err(KEYS_USAGE);
  return 2;
}
