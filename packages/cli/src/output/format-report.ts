import type { SimulationReport } from '../simulate/report.js';
import type { Palette } from './color.js';

const LIST_LIMIT = 10;

/** The human-readable end-of-run report of `hookline simulate`. */
export function formatReport(report: SimulationReport, paint: Palette): string {
  const { events, forged, duplicates } = report;
  const bad = (value: number, text: string) => (value > 0 ? paint.red(text) : text);
  const row = (label: string, value: string) => `  ${label.padEnd(14)}${value}`;
  const kinds = Object.entries(forged.byKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const responses = Object.entries(report.responses)
    .map(([status, n]) => `${status} ×${n}`)
    .join(', ');
  const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
  const lines = [
    paint.bold(`hookline simulate → ${report.target}`),
    row('seed', `${report.seed}  (rerun with --seed ${report.seed})`),
    row(
      'scenarios',
      `${report.scenarios.join(', ')}  (${report.lifecycles} lifecycles, time scale ${report.timeScale})`,
    ),
    row('events', `${events.planned} planned, ${events.sent} sent`),
    row('attempts', String(report.attempts)),
    row('acknowledged', String(events.acknowledged)),
    row('retried', String(events.retried)),
    row(
      'dropped',
      bad(
        events.dropped,
        `${events.dropped}${events.dropped ? '  (failed 3 attempts; the platform never redelivers)' : ''}`,
      ),
    ),
  ];
  if (events.undelivered > 0)
    lines.push(
      row('undelivered', paint.red(`${events.undelivered}  (never delivered: endpoint disabled or run stopped)`)),
    );
  lines.push(
    row('duplicates', `${duplicates.sent} sent, ${duplicates.acknowledged} acknowledged`),
    row('reordered', String(report.reordered)),
    row(
      'forged',
      `${forged.sent} sent, ${forged.rejected} rejected, ${bad(forged.accepted, `${forged.accepted} accepted`)}${kinds ? `  (${kinds})` : ''}`,
    ),
    row('latency', `p50 ${ms(report.latencyMs.p50)}, p99 ${ms(report.latencyMs.p99)}`),
    row('responses', responses || '–'),
    row('endpoint', report.endpoint.disabled ? paint.red(`disabled: ${report.endpoint.disabledReason}`) : 'enabled'),
  );
  for (const event of report.droppedEvents.slice(0, LIST_LIMIT)) {
    lines.push(paint.red(`  ✗ dropped ${event.id} ${event.type} (responses: ${event.responses.join(', ')})`));
  }
  for (const forgery of report.acceptedForgeries.slice(0, LIST_LIMIT)) {
    lines.push(
      paint.red(
        `  ✗ accepted forgery ${forgery.kind} ${forgery.id} with ${forgery.status}: verify every delivery before answering 2xx`,
      ),
    );
  }
  if (duplicates.sent > duplicates.acknowledged) {
    lines.push(
      paint.yellow(
        '  ! some duplicates were not acknowledged: answer 2xx to an event already processed, or the platform retries it',
      ),
    );
  }
  lines.push('', verdict(report, paint));
  return `${lines.join('\n')}\n`;
}

function verdict(report: SimulationReport, paint: Palette): string {
  if (report.interrupted) return paint.yellow('Interrupted.');
  const problems: string[] = [];
  if (report.endpoint.disabled)
    problems.push(`the platform would have disabled this endpoint (${report.endpoint.disabledReason})`);
  if (report.events.dropped > 0) problems.push(`${report.events.dropped} event(s) dropped`);
  if (report.events.undelivered > 0) problems.push(`${report.events.undelivered} event(s) never delivered`);
  if (report.forged.accepted > 0)
    problems.push(`${report.forged.accepted} forged delivery(ies) accepted — a security failure`);
  return problems.length === 0
    ? paint.green('PASS: every event acknowledged, every forgery rejected.')
    : paint.red(`FAIL: ${problems.join('; ')}.`);
}
