import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';
import { isUuid } from '../common/ids';
import { APP_ROLE, SYSTEM_ROLE, TENANT_SETTING } from './rls';
import { inlineParams, type SqlValue } from './sql';

/**
 * Every read and write goes through here, in a transaction that first switches to a role that
 * owns nothing and cannot bypass row-level security, for that transaction only
 * (set_config(…, true) is SET LOCAL): a pooled connection never carries a role or a tenant into
 * the next transaction.
 */
@Injectable()
export class TenantDb {
  constructor(readonly dataSource: DataSource) {}

  /** Tenant-scoped work: as cordon_app, with `cordon.tenant_id` set; policies show that tenant's rows only. */
  async run<T>(tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return this.transaction(tenantScope(tenantId), work);
  }

  /**
   * `run`, with the transaction's first statement in its opening message: START, the scope and
   * the statement as one simple-protocol query, one round trip less (parameters written in as
   * literals, as for `statement`). An error anywhere in that message stops the rest of it, so
   * the statement never runs outside the scope. `work` gets the statement's rows.
   */
  async runFrom<R, T>(
    tenantId: string,
    first: SqlStatement,
    work: (em: EntityManager, rows: R[]) => Promise<T>,
  ): Promise<T> {
    assertTenantId(tenantId);
    return this.transaction(tenantScope(tenantId), work, first);
  }

  /**
   * The few cross-tenant paths (authentication by key hash or webhook endpoint, the queued-run
   * sweep, shipped playbooks, tenant creation, pruning), as cordon_system: it may do exactly
   * what migration 1763900009000 grants it, table by table, and nothing else.
   */
  async system<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.transaction(SYSTEM_SCOPE, work);
  }

  /**
   * One statement as a transaction of its own, in one round trip instead of three (START with
   * the scope, the statement, COMMIT): the scope and the statement go as one simple-protocol
   * query, which PostgreSQL runs as one implicit transaction. The scope's set_config(…, true)
   * ends with it, and a failure rolls all of it back. Returns the statement's rows. For the
   * single writes every run makes (its start and finish), where round trips to a busy process
   * are most of the cost.
   */
  async statement<T>(tenantId: string, sql: string, params: readonly SqlValue[]): Promise<T[]> {
    assertTenantId(tenantId);
    return this.oneTrip<T>(tenantScope(tenantId), sql, params);
  }

  /** `statement` as cordon_system (see `system`). */
  async systemStatement<T>(sql: string, params: readonly SqlValue[]): Promise<T[]> {
    return this.oneTrip<T>(SYSTEM_SCOPE, sql, params);
  }

  /**
   * Sends a statement with the transaction's COMMIT, in the same round trip, after the work
   * (`em` must be a TenantDb transaction's): for a write that takes a lock other transactions
   * wait for, such as an audit chain's, which is then held for the database's own work only,
   * not until this process gets round to committing. Its rows can be read from what this
   * returns once the transaction has committed (reading sooner throws: they do not exist yet);
   * a failure fails the commit, and the transaction is rolled back. Statements are sent in the order
   * given. Not for use inside a savepoint: it would land even if the savepoint were undone.
   */
  atCommit<T = unknown>(em: EntityManager, sql: string, params: readonly SqlValue[]): Committed<T> {
    const runner = em.queryRunner;
    const pending = runner && this.atCommitOf.get(runner);
    if (!pending) throw new Error('TenantDb.atCommit: not inside a TenantDb transaction');
    const entry: PendingAtCommit = { text: inlineParams(sql, params), rows: undefined };
    pending.push(entry);
    return {
      get rows(): T[] {
        if (!entry.rows)
          throw new Error('TenantDb.atCommit: the rows exist once the transaction has committed');
        return entry.rows as T[];
      },
    };
  }

  private readonly atCommitOf = new WeakMap<QueryRunner, PendingAtCommit[]>();

  private async oneTrip<T>(scope: string, sql: string, params: readonly SqlValue[]): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await rowsAfter<T>(runner, scope, { sql, params });
    } finally {
      await runner.release();
    }
  }

  /**
   * A transaction whose first round trip also scopes it: START TRANSACTION and the settings go
   * as one simple-protocol query, one round trip less on every transaction Cordon runs. They
   * need no parameters: the roles are constants and a tenant id is a checked uuid.
   */
  private async transaction<T, R = never>(
    scope: string,
    work: (em: EntityManager, rows: R[]) => Promise<T>,
    first?: SqlStatement,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      let rows: R[] = [];
      try {
        if (first) rows = await rowsAfter<R>(runner, `START TRANSACTION; ${scope}`, first);
        else await runner.query(`START TRANSACTION; ${scope}`);
      } catch (err) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      // What startTransaction() records: saves inside join this transaction, nested ones use savepoints.
      Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
      const atCommit: PendingAtCommit[] = [];
      this.atCommitOf.set(runner, atCommit);
      try {
        const result = await work(runner.manager, rows);
        if (atCommit.length) {
          const text = `${atCommit.map((e) => e.text).join('; ')}; COMMIT`;
          // One result per statement: each pending write's rows by position.
          const results = await simpleQuery(runner, text, text, []);
          Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
          atCommit.forEach((e, i) => (e.rows = results[i].rows));
        } else await runner.commitTransaction();
        return result;
      } catch (err) {
        // The original error matters, not a failed rollback (the connection is then discarded).
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await runner.release();
    }
  }
}

/** One statement and its parameters, to be sent with others in one message. */
export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

/** What a statement sent with COMMIT gives back, readable once the transaction has committed. */
export interface Committed<T> {
  readonly rows: T[];
}

interface PendingAtCommit {
  text: string;
  rows: unknown[] | undefined;
}

/**
 * Several statements as one simple-protocol query on the runner's connection, through the
 * driver's own client (TypeORM's query() keeps the rows of a single statement only): one result
 * per statement. A failure is reported as TypeORM reports one, naming `sql`, so that callers
 * and the error mapping see one kind.
 */
async function simpleQuery<R>(
  runner: QueryRunner,
  text: string,
  sql: string,
  params: readonly SqlValue[],
): Promise<{ rows: R[] }[]> {
  const client = (await runner.connect()) as { query(text: string): Promise<{ rows: R[] }[]> };
  try {
    return await client.query(text);
  } catch (err) {
    throw new QueryFailedError(sql, params as unknown[], err as Error);
  }
}

/** `prefix` (statements without parameters) and then `statement`, in one message: its rows. */
async function rowsAfter<R>(runner: QueryRunner, prefix: string, statement: SqlStatement): Promise<R[]> {
  const { sql, params } = statement;
  const results = await simpleQuery<R>(runner, `${prefix}; ${inlineParams(sql, params)}`, sql, params);
  return results[results.length - 1].rows;
}

const SYSTEM_SCOPE = `SELECT set_config('role', '${SYSTEM_ROLE}', true)`;

/**
 * Makes the rest of a transaction act for one tenant, e.g. a system transaction that has just
 * created the tenant and now writes its first rows.
 */
export async function enterTenant(em: EntityManager, tenantId: string): Promise<void> {
  assertTenantId(tenantId);
  await em.query(tenantScope(tenantId));
}

/** Acts as cordon_app for one tenant until the transaction ends; tenantId must be a checked uuid. */
function tenantScope(tenantId: string): string {
  return `SELECT set_config('role', '${APP_ROLE}', true), set_config('${TENANT_SETTING}', '${tenantId}', true)`;
}

function assertTenantId(tenantId: string): void {
  // The policies cast the setting to uuid: anything else would fail every statement, obscurely.
  if (!isUuid(tenantId)) throw new Error(`TenantDb: "${tenantId}" is not a tenant id`);
}
