import type { ApproverSpec, RoleName } from './playbook.types';

const ROLE_ORDER: RoleName[] = ['viewer', 'analyst', 'responder', 'admin'];

/**
 * Whether an actor is among an approver set: named users decide whatever their role; otherwise
 * a listed role or a stronger one (`responder` when the set names nobody). Pure, so the workflow
 * gate and the API (listing "mine", choosing e-mail recipients) answer the same way.
 */
export function eligible(spec: ApproverSpec, actor: { id: string; role: RoleName }): boolean {
  if (spec.users?.includes(actor.id)) return true;
  const roles = spec.roles ?? (spec.users?.length ? [] : ['responder']);
  const rank = ROLE_ORDER.indexOf(actor.role);
  return rank >= 0 && roles.some((r) => rank >= ROLE_ORDER.indexOf(r));
}
