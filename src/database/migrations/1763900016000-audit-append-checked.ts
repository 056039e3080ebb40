import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  AuditAppendFunction1763900013000,
  auditAppendFunctionSql,
} from './1763900013000-audit-append-function';

const PREVIOUS_ARGS =
  'uuid, uuid, text, text, text, text, text, text, text, timestamptz, text, text, jsonb, text, text';

/**
 * cordon_audit_append checks, before it writes, that it received the content Node hashed:
 * p_content_sha256 is Node's SHA-256 of `before \n after` (canonical JSON fragments, which
 * hold no raw newline). Node used to check the returned hash itself before it sent COMMIT, so
 * the chain's lock lasted until a busy process got round to that: a round trip, most of the
 * lock's time at ~75 appends a second. With the check here, an append can be
 * the last statement of its transaction's COMMIT message (TenantDb.atCommit), or a
 * transaction of its own in one round trip, and the lock lasts only as long as the database's
 * own work. A mismatch fails the statement, so a row the verifier would call broken is still
 * never committed.
 */
export class AuditAppendChecked1763900016000 implements MigrationInterface {
  name = 'AuditAppendChecked1763900016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION cordon_audit_append(${PREVIOUS_ARGS})`);
    await q.query(auditAppendFunctionSql(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION cordon_audit_append(${PREVIOUS_ARGS}, text)`);
    await new AuditAppendFunction1763900013000().up(q);
  }
}
