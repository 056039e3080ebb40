/** Rows as the report queries return them (snake_case, straight from SQL). */
export interface ReportData {
  case: {
    id: string;
    number: number;
    title: string;
    severity: string;
    status: string;
    resolution: string | null;
    assignee: string | null;
    tags: string[];
    recommendations: string | null;
    detected_at: Date | null;
    acknowledged_at: Date | null;
    contained_at: Date | null;
    resolved_at: Date | null;
    closed_at: Date | null;
    created_at: Date;
  };
  alerts: {
    id: string;
    source: string;
    title: string;
    severity: string;
    techniques: string[];
    detected_at: Date;
    last_seen_at: Date;
    duplicate_count: number;
  }[];
  observables: { type: string; value: string; alerts: number }[];
  steps: {
    run_id: string;
    playbook_id: string;
    run_status: string;
    step_id: string | null;
    kind: string | null;
    action: string | null;
    status: string | null;
    attempts: number | null;
    error: { message?: string; vendor?: string } | null;
    finished_at: Date | null;
  }[];
  decisions: {
    step_id: string;
    prompt: string;
    status: string;
    actor_name: string | null;
    actor_id: string | null;
    decision: string | null;
    comment: string | null;
    channel: string | null;
    created_at: Date | null;
  }[];
  timeline: { kind: string; actor: string; data: Record<string, unknown>; created_at: Date }[];
}

/** Text from alerts and analysts goes into table cells and lines: it must not break the Markdown. */
export function cell(text: unknown): string {
  const s =
    text === null || text === undefined || text === ''
      ? '—'
      : typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean'
        ? `${text}`
        : JSON.stringify(text);
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('.000Z', 'Z') : '—');

function since(from: Date | null, to: Date | null): string {
  if (!from || !to) return '—';
  const s = Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

export function renderCaseReport(d: ReportData, generatedAt: Date): string {
  const c = d.case;
  const out: string[] = [];
  out.push(`# Incident report — case ${c.number}: ${cell(c.title)}`, '');
  out.push(`_Generated ${iso(generatedAt)} by Cordon._`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Severity | ${c.severity} |`);
  out.push(`| Status | ${c.status}${c.resolution ? ` (${c.resolution})` : ''} |`);
  out.push(`| Assignee | ${cell(c.assignee)} |`);
  if (c.tags.length) out.push(`| Tags | ${c.tags.map(cell).join(', ')} |`);
  out.push(`| Detected | ${iso(c.detected_at)} |`);
  out.push(`| Opened | ${iso(c.created_at)} (${since(c.detected_at, c.created_at)} after detection) |`);
  out.push(`| Acknowledged | ${iso(c.acknowledged_at)} |`);
  out.push(
    `| Contained | ${iso(c.contained_at)} (${since(c.detected_at, c.contained_at)} after detection) |`,
  );
  out.push(`| Resolved | ${iso(c.resolved_at)} |`, '');

  const sources = [...new Set(d.alerts.map((a) => a.source))];
  const techniques = [...new Set(d.alerts.flatMap((a) => a.techniques))].sort();
  const hosts = d.observables.filter((o) => o.type === 'HOSTNAME').map((o) => o.value);
  const users = d.observables.filter((o) => o.type === 'USER').map((o) => o.value);
  out.push('## Summary', '');
  out.push(
    `${d.alerts.length} alert${d.alerts.length === 1 ? '' : 's'} from ${sources.map(cell).join(', ') || 'no source'}` +
      (d.alerts.length ? `, first at ${iso(d.alerts[0].detected_at)}` : '') +
      '.',
  );
  if (hosts.length) out.push(`Hosts: ${hosts.map((h) => `\`${cell(h)}\``).join(', ')}.`);
  if (users.length) out.push(`Users: ${users.map((u) => `\`${cell(u)}\``).join(', ')}.`);
  if (techniques.length) out.push(`MITRE ATT&CK: ${techniques.join(', ')}.`);
  out.push('');

  out.push('## Alerts', '', '| Detected | Source | Severity | Title | Repeats |', '|---|---|---|---|---|');
  for (const a of d.alerts)
    out.push(
      `| ${iso(a.detected_at)} | ${cell(a.source)} | ${a.severity} | ${cell(a.title)} | ${a.duplicate_count} |`,
    );
  out.push('');

  out.push('## Observables', '', '| Type | Value | Alerts |', '|---|---|---|');
  for (const o of d.observables) out.push(`| ${o.type} | \`${cell(o.value)}\` | ${o.alerts} |`);
  if (!d.observables.length) out.push('| — | — | — |');
  out.push('');

  out.push('## Actions taken', '');
  const runs = [...new Set(d.steps.map((s) => s.run_id))];
  if (!runs.length) out.push('_No playbook ran on this case._');
  for (const runId of runs) {
    const rows = d.steps.filter((s) => s.run_id === runId);
    out.push(`### Playbook \`${cell(rows[0].playbook_id)}\` — ${rows[0].run_status}`, '');
    out.push('| Step | Action | Status | Attempts | Finished | Note |', '|---|---|---|---|---|---|');
    for (const s of rows.filter((r) => r.step_id)) {
      const note = s.error
        ? cell(`${s.error.vendor ? `${s.error.vendor}: ` : ''}${s.error.message ?? ''}`)
        : '';
      out.push(
        `| ${cell(s.step_id)} | ${cell(s.action ?? s.kind)} | ${s.status} | ${s.attempts ?? 0} | ${iso(s.finished_at)} | ${note || '—'} |`,
      );
    }
    out.push('');
  }

  out.push('## Approvals', '');
  if (!d.decisions.length) out.push('_No approval was requested._');
  else {
    out.push(
      '| Step | Question | Outcome | Decided by | Decision | When | Comment |',
      '|---|---|---|---|---|---|---|',
    );
    for (const a of d.decisions) {
      out.push(
        `| ${cell(a.step_id)} | ${cell(a.prompt)} | ${a.status} | ${cell(a.actor_name)} | ${cell(a.decision)} | ${iso(a.created_at)} | ${cell(a.comment)} |`,
      );
    }
  }
  out.push('');

  out.push('## Timeline', '');
  for (const e of d.timeline) out.push(`- ${iso(e.created_at)} — ${cell(e.actor)} — ${describe(e)}`);
  out.push('');

  out.push('## Recommendations', '', c.recommendations?.trim() || '_None recorded._', '');
  return out.join('\n');
}

function describe(e: ReportData['timeline'][number]): string {
  const d = e.data;
  switch (e.kind) {
    case 'STATUS_CHANGED':
      return `status ${cell(d.from)} → ${cell(d.to)}`;
    case 'ASSIGNED':
      return `assigned to ${cell(d.to)}`;
    case 'ALERT_ADDED':
      return `alert added: ${cell(d.title)}`;
    case 'ALERT_REMOVED':
      return `alert removed: ${cell(d.title)}`;
    case 'COMMENT':
      return `comment: ${cell(d.body)}`;
    case 'OBSERVABLE_ADDED':
      return `observable added: ${cell(d.type)} ${cell(d.value)}`;
    case 'PLAYBOOK_STEP':
      return `playbook step ${cell(d.stepId)} ${cell(d.status)}`;
    case 'APPROVAL_DECISION':
      return `approval ${cell(d.decision)} (${cell(d.channel)})`;
    case 'MERGED':
      return d.into ? `merged into ${cell(d.into)}` : `case ${cell(d.number)} merged in`;
    default:
      return e.kind.toLowerCase().replace(/_/g, ' ');
  }
}
