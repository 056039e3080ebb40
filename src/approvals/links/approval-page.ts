import type { ApprovalModel } from '../models/approval.model';

/** Minimal server-rendered pages for decision links: no scripts, every value escaped. */
function esc(value: unknown): string {
  const text =
    typeof value === 'string' || typeof value === 'number'
      ? String(value)
      : value === null || value === undefined
        ? ''
        : JSON.stringify(value);
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}dt{font-weight:600}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}</style>
</head><body>${body}</body></html>`;
}

export function approvalPage(a: ApprovalModel, token: string, needsApiKey: boolean): string {
  const summary = a.caseSummary;
  const rows: [string, string][] = [];
  if (summary)
    rows.push([
      'Case',
      `#${esc(summary.number)} ${esc(summary.title)} (${esc(summary.severity)}, ${esc(summary.status)})`,
    ]);
  if (a.context) rows.push(['Context', `<pre>${esc(JSON.stringify(a.context, null, 2))}</pre>`]);
  rows.push(['If approved', esc(a.outcomes.onApprove)], ['If rejected', esc(a.outcomes.onReject)]);
  rows.push([
    'Deadline',
    a.expiresAt ? `${esc(a.expiresAt.toISOString())} (then: ${esc(a.outcomes.onTimeout)})` : 'none',
  ]);
  rows.push(['Status', esc(a.status)], ['Approvals needed', esc(a.quorum)]);
  const form =
    a.status === 'PENDING'
      ? `<form method="post" action="decide">
<input type="hidden" name="token" value="${esc(token)}">
${needsApiKey ? '<p><label>Your Cordon API key <input type="password" name="apiKey" required autocomplete="off"></label></p>' : ''}
<p><label>Comment <input name="comment" maxlength="4000"></label></p>
<button name="decision" value="APPROVE">Approve</button> <button name="decision" value="REJECT">Reject</button>
</form>`
      : '<p>This approval is no longer waiting for a decision.</p>';
  return page(
    'Approval',
    `<h1>${esc(a.prompt)}</h1><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${form}`,
  );
}

export function decidedPage(a: ApprovalModel, decision: string): string {
  return page(
    'Decision recorded',
    `<h1>Your ${decision === 'APPROVE' ? 'approval' : 'rejection'} is recorded</h1><p>${esc(a.prompt)}</p><p>The approval is now ${esc(a.status)}.</p>`,
  );
}

export function refusalPage(message: string): string {
  return page('Not decided', `<h1>Not decided</h1><p>${esc(message)}.</p>`);
}
