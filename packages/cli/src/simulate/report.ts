import { EXIT } from '../exit-codes.js';
import type { EndpointState } from './endpoint.js';
import { percentile } from './percentile.js';
import type { Plan } from './plan.js';
import type { RunResults } from './results.js';

/** The end-of-run report; `--json` prints exactly this. */
export interface SimulationReport {
  target: string;
  seed: string;
  scenarios: string[];
  lifecycles: number;
  timeScale: number;
  events: {
    planned: number;
    sent: number;
    acknowledged: number;
    retried: number;
    /** Failed three attempts: the platform drops these silently. */
    dropped: number;
    /** Never (fully) attempted because the endpoint was disabled or the run was interrupted. */
    undelivered: number;
  };
  attempts: number;
  duplicates: { sent: number; acknowledged: number };
  reordered: number;
  forged: { sent: number; rejected: number; accepted: number; byKind: Record<string, number> };
  latencyMs: { p50: number | null; p99: number | null };
  responses: Record<string, number>;
  endpoint: { disabled: boolean; disabledReason: string | null };
  droppedEvents: Array<{ id: string; type: string; responses: Array<number | string> }>;
  acceptedForgeries: Array<{ id: string; kind: string; status: number | string }>;
  interrupted: boolean;
  exitCode: number;
}

const is2xx = (status: number | string) => typeof status === 'number' && status >= 200 && status < 300;

/** Counts what happened and decides the exit code: dropped events or accepted forgeries fail the run. */
export function buildReport(
  plan: Plan,
  results: RunResults,
  endpoint: EndpointState,
  meta: { target: string; seed: string; scenarios: string[]; timeScale: number },
): SimulationReport {
  const eventAttempts = results.attempts.filter((attempt) => attempt.kind !== 'forgery');
  const latencies = results.attempts.filter((a) => a.status !== undefined).map((a) => a.ms);
  const responses: Record<string, number> = {};
  for (const attempt of results.attempts) {
    const key = attempt.status === undefined ? 'no response' : String(attempt.status);
    responses[key] = (responses[key] ?? 0) + 1;
  }
  const byKind: Record<string, number> = {};
  for (const forgery of results.forgeries) byKind[forgery.kind] = (byKind[forgery.kind] ?? 0) + 1;
  const accepted = results.forgeries.filter((forgery) => is2xx(forgery.status));
  const count = (outcome: string) => results.events.filter((event) => event.outcome === outcome).length;
  const dropped = results.events.filter((event) => event.outcome === 'dropped');
  const undelivered = count('undelivered') + count('pending');
  const round = (value: number | undefined) => (value === undefined ? null : Math.round(value * 10) / 10);
  const exitCode = results.interrupted
    ? EXIT.interrupted
    : endpoint.disabled
      ? EXIT.disabled
      : dropped.length > 0 || accepted.length > 0 || undelivered > 0
        ? EXIT.failed
        : EXIT.ok;
  return {
    ...meta,
    lifecycles: plan.lifecycles,
    events: {
      planned: plan.events.length,
      sent: results.events.filter((event) => event.attempts > 0).length,
      acknowledged: count('acknowledged'),
      retried: results.events.filter((event) => event.attempts > 1).length,
      dropped: dropped.length,
      undelivered,
    },
    attempts: eventAttempts.filter((attempt) => attempt.kind === 'event').length,
    duplicates: {
      sent: results.duplicates.length,
      acknowledged: results.duplicates.filter((d) => is2xx(d.status)).length,
    },
    reordered: plan.events.filter((event) => event.reordered).length,
    forged: {
      sent: results.forgeries.length,
      rejected: results.forgeries.length - accepted.length,
      accepted: accepted.length,
      byKind,
    },
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
    responses,
    endpoint: { disabled: endpoint.disabled, disabledReason: endpoint.disabledReason ?? null },
    droppedEvents: dropped.map((event) => ({ id: event.id, type: event.type, responses: event.statuses })),
    acceptedForgeries: accepted.map(({ id, kind, status }) => ({ id, kind, status })),
    interrupted: results.interrupted,
    exitCode,
  };
}
