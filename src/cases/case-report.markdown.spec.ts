import { cell, renderCaseReport, type ReportData } from './case-report.markdown';

describe('case report Markdown', () => {
  it('keeps hostile text from breaking tables or injecting HTML', () => {
    expect(cell('a | b\n<script>')).toBe('a \\| b &lt;script&gt;');
    expect(cell(null)).toBe('—');
  });

  it('renders every section, with clocks relative to detection', () => {
    const t = new Date('2026-11-01T10:00:00Z');
    const at = (min: number) => new Date(t.getTime() + min * 60_000);
    const data: ReportData = {
      case: {
        id: 'c',
        number: 7,
        title: 'Beacon',
        severity: 'HIGH',
        status: 'CONTAINED',
        resolution: null,
        assignee: 'apikey:alice',
        tags: ['c2'],
        recommendations: null,
        detected_at: t,
        acknowledged_at: at(3),
        contained_at: at(75),
        resolved_at: null,
        closed_at: null,
        created_at: at(1),
      },
      alerts: [
        {
          id: 'a',
          source: 'edr',
          title: 'Beacon | C2',
          severity: 'HIGH',
          techniques: ['T1071'],
          detected_at: t,
          last_seen_at: t,
          duplicate_count: 2,
        },
      ],
      observables: [{ type: 'IP', value: '203.0.113.7', alerts: 1 }],
      steps: [],
      decisions: [],
      timeline: [
        {
          kind: 'STATUS_CHANGED',
          actor: 'playbook:r1',
          data: { from: 'OPEN', to: 'CONTAINED' },
          created_at: at(75),
        },
      ],
    };
    const md = renderCaseReport(data, at(80));
    expect(md).toContain('| Contained | 2026-11-01T11:15:00Z (1 h 15 min after detection) |');
    expect(md).toContain('| 2026-11-01T10:00:00Z | edr | HIGH | Beacon \\| C2 | 2 |');
    expect(md).toContain('_No playbook ran on this case._');
    expect(md).toContain('- 2026-11-01T11:15:00Z — playbook:r1 — status OPEN → CONTAINED');
    expect(md).toContain('_None recorded._');
  });
});
