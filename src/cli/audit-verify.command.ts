import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { verifyAuditLog, type ChainReport } from '../audit/audit-verifier';
import { loadConfig } from '../config/config';
import { isUuid } from '../common/ids';
import { dataSourceOptions } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { TenantDb } from '../database/tenant-db';
import type { CliIo } from './cli-io';

export const AUDIT_VERIFY_USAGE = 'usage: cordon audit verify [--tenant <id>]';

export interface AuditDatabase {
  db: TenantDb;
  /** Where it connected, for the first line of output (no credentials). */
  where: string;
  close(): Promise<void>;
}

/**
 * The database the CLI checks: DATABASE_OWNER_URL, else DATABASE_URL, else the embedded PGlite
 * data of CORDON_DATA_DIR (which only one process may open: stop Cordon first).
 */
export async function openAuditDatabase(): Promise<AuditDatabase> {
  const config = loadConfig();
  const url = config.database.ownerUrl ?? config.database.url;
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let where: string;
  if (url) {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } else {
    const dir = path.join(config.dataDir, 'pgdata');
    if (!fs.existsSync(dir))
      throw new Error(
        `no database: set DATABASE_URL (or DATABASE_OWNER_URL), or CORDON_DATA_DIR to a data dir (${dir} does not exist)`,
      );
    embedded = await startEmbeddedPostgres(dir);
    where = `embedded ${dir}`;
  }
  const dataSource = new DataSource(
    dataSourceOptions({ url: url ?? embedded!.url, poolSize: 2, embedded: !!embedded }),
  );
  try {
    await dataSource.initialize();
    const [{ table }] = await dataSource.query<{ table: string | null }[]>(
      `SELECT to_regclass('audit_log')::text AS table`,
    );
    if (!table) throw new Error('the database has no audit_log table: start Cordon once to migrate it');
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    db: new TenantDb(dataSource),
    where,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/**
 * `cordon audit verify`: walks every hash chain of the audit log (or one tenant's) and prints
 * each chain's length. Exit 0 when all are intact, 1 naming the first broken row of each broken
 * chain, 2 on usage or connection errors.
 */
export async function runAuditVerify(
  argv: string[],
  io: CliIo,
  open: () => Promise<AuditDatabase> = openAuditDatabase,
): Promise<number> {
  let tenantId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.out(AUDIT_VERIFY_USAGE);
      return 0;
    }
    if (arg === '--tenant') {
      tenantId = argv[++i];
      if (tenantId === undefined) return usage(io, '--tenant needs a tenant id');
      if (!isUuid(tenantId)) return usage(io, `--tenant: "${tenantId}" is not a tenant id (a UUID)`);
    } else return usage(io, `unknown argument "${arg}"`);
  }

  let database: AuditDatabase;
  try {
    database = await open();
  } catch (err) {
    io.err(`cannot open the database: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  try {
    io.out(`verifying the audit log in ${database.where}`);
    const reports = await verifyAuditLog(database.db, { tenantId });
    if (tenantId && reports.length === 0) {
      io.err(`no tenant ${tenantId}`);
      return 2;
    }
    for (const r of reports) io.out(describe(r));
    const broken = reports.filter((r) => r.broken).length;
    const entries = reports.reduce((n, r) => n + r.count, 0);
    io.out(
      broken
        ? `audit log BROKEN: ${broken} of ${reports.length} chain(s) fail verification`
        : `audit log intact: ${reports.length} chain(s), ${entries} entries`,
    );
    return broken ? 1 : 0;
  } finally {
    await database.close();
  }
}

function describe(r: ChainReport): string {
  const chain = r.tenantId === null ? 'provider chain' : `tenant ${r.tenantId} (${r.tenantName ?? ''})`;
  if (!r.broken) return `${chain}: ${r.count} entries, ok`;
  return `${chain}: BROKEN at sequence ${r.broken.seq}, row ${r.broken.id}: ${r.broken.problem}`;
}

function usage(io: CliIo, problem: string): number {
  io.err(problem);
  io.err(AUDIT_VERIFY_USAGE);
  return 2;
}
