import { spawnSync } from 'node:child_process';
import { AuditWriter } from '../src/audit/audit-writer';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/paths';
import { dataSourceOptions, runMigrations } from '../src/database/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres';
import { TenantDb } from '../src/database/tenant-db';
import { ConnectionsService } from '../src/integrations/connections.service';
import { IntegrationsService } from '../src/integrations/integrations.service';
import { MasterKeyring, masterKeyId } from '../src/integrations/master-keyring';
import { SecretBox } from '../src/integrations/secret-box';
import { TenantEntity } from '../src/tenancy/entities/tenant.entity';
import { testDatabase } from './support/cordon-process';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const CLI = path.join(projectRoot(), 'bin', 'cordon.js');

/**
 * `node bin/cordon.js keys …` (the built CLI) against a real database: the PostgreSQL server with
 * DATABASE_URL, otherwise the embedded PGlite data directory the server would use.
 */
describe('cordon keys (CLI)', () => {
  let server: Awaited<ReturnType<typeof testDatabase>>;
  let dataDir: string;
  let tenants: { a: string; b: string };

  /** The server's database, as a running server would see it (connection env for the CLI). */
  const databaseEnv = () =>
    server.url ? { DATABASE_URL: server.url } : { CORDON_DATA_DIR: dataDir, DATABASE_URL: undefined };

  const cordon = (args: string[], keys: { current: Buffer; previous?: Buffer[] }) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CORDON_DATA_DIR: dataDir,
      CORDON_MASTER_KEY: keys.current.toString('base64'),
      CORDON_MASTER_KEY_PREVIOUS: (keys.previous ?? []).map((k) => k.toString('base64')).join(','),
      ...databaseEnv(),
    })) {
      if (v !== undefined) env[k] = v;
    }
    const run = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 90_000 });
    return { code: run.status, out: run.stdout.trim().split('\n'), err: run.stderr.trim() };
  };

  /** Migrates the database and seeds two tenants' connections under the OLD key, then lets go of it. */
  beforeAll(async () => {
    if (!fs.existsSync(CLI.replace(/bin[/\\]cordon\.js$/, 'dist/src/cli/cordon-cli.js'))) {
      throw new Error('dist/ is missing: run npm run build first');
    }
    server = await testDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-keys-'));
    let pglite: EmbeddedPostgres | null = null;
    if (!server.url) pglite = await startEmbeddedPostgres(path.join(dataDir, 'pgdata'));
    const dataSource = new DataSource(
      dataSourceOptions({ url: server.url ?? pglite!.url, poolSize: 2, embedded: !!pglite }),
    );
    await dataSource.initialize();
    try {
      await runMigrations(dataSource, !!pglite);
      const db = new TenantDb(dataSource);
      const newTenant = async (name: string) =>
        (await db.system((em) => em.save(em.create(TenantEntity, { name, caseSeq: 0 })))).id;
      tenants = { a: await newTenant('keys-a'), b: await newTenant('keys-b') };
      const config = loadConfig({ CORDON_ALLOW_PRIVATE_CONNECTIONS: '1' });
      const connections = new ConnectionsService(
        db,
        new IntegrationsService(config),
        new SecretBox(new MasterKeyring(OLD)),
        config,
        new AuditWriter(db),
      );
      for (const [tenant, name] of [
        [tenants.a, 'falcon-1'],
        [tenants.a, 'falcon-2'],
        [tenants.b, 'falcon-b'],
      ]) {
        await connections.upsert(tenant, {
          integrationId: 'crowdstrike-falcon',
          name,
          settings: { baseUrl: 'http://127.0.0.1:9' },
          secrets: { clientId: 'id', clientSecret: name },
        });
      }
    } finally {
      await dataSource.destroy();
      await pglite?.stop();
    }
  });

  afterAll(async () => {
    await server?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const oldId = masterKeyId(OLD);
  const newId = masterKeyId(NEW);

  it('status lists the data keys per master key and says a rotation is due', () => {
    const run = cordon(['keys', 'status'], { current: NEW, previous: [OLD] });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      expect.stringMatching(
        new RegExp(`^master keys: CORDON_MASTER_KEY ${newId}, CORDON_MASTER_KEY_PREVIOUS #1 ${oldId} \\(`),
      ),
      `tenant keys-a (${tenants.a}): ${oldId} (CORDON_MASTER_KEY_PREVIOUS #1) 2`,
      `tenant keys-b (${tenants.b}): ${oldId} (CORDON_MASTER_KEY_PREVIOUS #1) 1`,
      `total: ${oldId} (CORDON_MASTER_KEY_PREVIOUS #1) 3`,
      '3 data key(s) need cordon keys rotate before CORDON_MASTER_KEY_PREVIOUS can be dropped',
    ]);
  });

  it('exits 1 naming each row and its key when the old key was not kept in CORDON_MASTER_KEY_PREVIOUS', () => {
    const run = cordon(['keys', 'rotate'], { current: NEW });
    expect(run.code).toBe(1);
    expect(run.out.slice(1)).toEqual([
      `tenant keys-a (${tenants.a}): 0 rewrapped, 0 already current, 2 unopenable`,
      `tenant keys-b (${tenants.b}): 0 rewrapped, 0 already current, 1 unopenable`,
      `rotated 2 tenant(s) to CORDON_MASTER_KEY ${newId}: 0 data key(s) rewrapped, 0 already current, 3 unopenable`,
    ]);
    expect(run.err).toContain(`connection `);
    expect(run.err).toContain(`wrapped by master key ${oldId}, which is neither CORDON_MASTER_KEY nor in`);
    expect(run.err).toMatch(
      /3 data key\(s\) open with no configured master key \(listed above\): add the key that wrapped them to CORDON_MASTER_KEY_PREVIOUS/,
    );
    expect(run.err).not.toContain(OLD.toString('base64'));
  });

  it('rotates one tenant, then the rest, then nothing: idempotent and resumable', () => {
    const keys = { current: NEW, previous: [OLD] };
    const first = cordon(['keys', 'rotate', '--tenant', tenants.a], keys);
    expect(first.code).toBe(0);
    expect(first.out.slice(1)).toEqual([
      `tenant keys-a (${tenants.a}): 2 rewrapped, 0 already current`,
      `rotated 1 tenant(s) to CORDON_MASTER_KEY ${newId}: 2 data key(s) rewrapped, 0 already current, 0 unopenable`,
    ]);
    const rest = cordon(['keys', 'rotate'], keys);
    expect(rest.code).toBe(0);
    expect(rest.out.slice(1)).toEqual([
      `tenant keys-a (${tenants.a}): 0 rewrapped, 2 already current`,
      `tenant keys-b (${tenants.b}): 1 rewrapped, 0 already current`,
      `rotated 2 tenant(s) to CORDON_MASTER_KEY ${newId}: 1 data key(s) rewrapped, 2 already current, 0 unopenable`,
    ]);
    const again = cordon(['keys', 'rotate'], keys);
    expect(again.code).toBe(0);
    expect(again.out.at(-1)).toBe(
      `rotated 2 tenant(s) to CORDON_MASTER_KEY ${newId}: 0 data key(s) rewrapped, 3 already current, 0 unopenable`,
    );
  });

  it('after the rotation every data key opens with the new key alone', () => {
    const withPrevious = cordon(['keys', 'status'], { current: NEW, previous: [OLD] });
    expect(withPrevious.code).toBe(0);
    expect(withPrevious.out.slice(-2)).toEqual([
      `total: ${newId} (CORDON_MASTER_KEY) 3`,
      'every data key is under CORDON_MASTER_KEY: CORDON_MASTER_KEY_PREVIOUS can be removed',
    ]);
    const alone = cordon(['keys', 'status'], { current: NEW });
    expect(alone.code).toBe(0);
    expect(alone.out.at(-1)).toBe('every data key is under CORDON_MASTER_KEY');
    const oldOnly = cordon(['keys', 'status'], { current: OLD });
    expect(oldOnly.code).toBe(1);
    expect(oldOnly.err).toContain(`wrapped by master key ${newId}`);
  });

  it('exits 2 with a clear message for bad arguments and bad keys', () => {
    const unknown = cordon(['keys', 'spin'], { current: NEW });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      'unknown command "keys spin"\nusage: cordon keys status | cordon keys rotate [--tenant ID]...',
    );
    const badTenant = cordon(['keys', 'rotate', '--tenant', 'acme'], { current: NEW });
    expect(badTenant.code).toBe(2);
    expect(badTenant.err).toContain('--tenant needs a tenant id (a UUID), got "acme"');
    const badKey = cordon(['keys', 'rotate'], { current: NEW, previous: [OLD.subarray(0, 16)] });
    expect(badKey.code).toBe(2);
    expect(badKey.err).toContain('CORDON_MASTER_KEY_PREVIOUS: key 1 of 1 must be 32 bytes, base64-encoded');
  });
});
