import type { Principal } from '../auth/principal';
import type { AuditActor } from './audit-chain';

/** The actor of a request, as the audit log names it. */
export function actorOf(principal: Principal): AuditActor {
  return { id: principal.actorId, kind: principal.kind, name: principal.name };
}

/** A playbook run acting through an activity. */
export function runActor(runId: string): AuditActor {
  return { id: `run:${runId}`, kind: 'run', name: 'playbook run' };
}

/** Someone who presented no credential that Cordon recognises. */
export const ANONYMOUS: AuditActor = { id: 'anonymous', kind: 'anonymous', name: 'anonymous' };
