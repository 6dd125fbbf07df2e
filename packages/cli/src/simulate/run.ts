import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { sign } from '@hookline/webhooks';
import { post } from '../util/post.js';
import { MAX_ATTEMPTS } from './backoff.js';
import { DISABLED_REASONS, EndpointState } from './endpoint.js';
import { forgeDelivery } from './forgeries.js';
import { Limiter } from './limiter.js';
import type { Plan, PlannedEvent, PlannedForgery } from './plan.js';
import { type AttemptRecord, type EventResult, RunResults } from './results.js';

/** How the plan is delivered. */
export interface RunOptions {
  url: string;
  keys: string[];
  /** Multiplies every platform delay (emission times, backoff, the sustained-failure window). */
  timeScale: number;
  timeoutMs: number;
  concurrency: number;
  /** Platform seconds of uninterrupted failure after which the endpoint is disabled. */
  sustainedSeconds: number;
  signal?: AbortSignal;
  onAttempt?(record: AttemptRecord): void;
  /** Receives the live results as soon as the run starts (for a progress bar). */
  onResults?(results: RunResults): void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Delivers a plan the way the platform does, and records what happened. */
export async function runPlan(
  plan: Plan,
  options: RunOptions,
): Promise<{ results: RunResults; endpoint: EndpointState }> {
  const results = new RunResults(plan.events);
  options.onResults?.(results);
  const endpoint = new EndpointState(options.sustainedSeconds * 1000 * options.timeScale);
  const limiter = new Limiter(options.concurrency);
  // One signal stops every pending timer: on auto-disable (nothing more is delivered) or Ctrl-C.
  const stop = new AbortController();
  // Every pending event waits on this one signal; thousands of listeners are expected, not a leak.
  setMaxListeners(0, stop.signal);
  endpoint.onDisable(() => stop.abort());
  options.signal?.addEventListener('abort', () => {
    results.interrupted = true;
    stop.abort();
  });
  const startedAt = Date.now();
  const scaled = (seconds: number) => seconds * 1000 * options.timeScale;
  const waitUntil = async (platformSeconds: number): Promise<boolean> => {
    const delay = startedAt + scaled(platformSeconds) - Date.now();
    try {
      await sleep(Math.max(0, delay), undefined, { signal: stop.signal });
      return !stop.signal.aborted;
    } catch {
      return false;
    }
  };

  const send = async (
    kind: AttemptRecord['kind'],
    event: { id: string; type: string },
    attempt: number,
    make: (now: number) => { body: string; headers: Record<string, string> },
  ) =>
    limiter.run(async () => {
      if (stop.signal.aborted) return undefined;
      const timestamp = Math.floor(Date.now() / 1000);
      const { body, headers } = make(timestamp);
      // Ctrl-C cancels requests in flight; an auto-disable lets them finish, as the platform would.
      const result = await post(options.url, body, { ...JSON_HEADERS, ...headers }, options.timeoutMs, options.signal);
      const record: AttemptRecord = {
        kind,
        id: event.id,
        type: event.type,
        attempt,
        status: result.status,
        ms: result.ms,
        timestamp,
        ...(result.error ? { error: result.error } : {}),
      };
      results.attempts.push(record);
      // Decided before the slot is released, so no queued request slips out after a redirect.
      // Forgeries are not the platform's deliveries, so their answers cannot disable it.
      if (kind !== 'forgery' && result.status !== undefined && result.status >= 300 && result.status < 400) {
        endpoint.disable(DISABLED_REASONS.redirect);
      }
      options.onAttempt?.(record);
      return record;
    });

  // Every attempt carries the same id and body, a re-stamped webhook-timestamp and a fresh signature.
  const signedNow = (event: PlannedEvent) => (timestamp: number) => ({
    body: event.body,
    headers: sign({ id: event.id, timestamp, body: event.body, key: options.keys }) as unknown as Record<
      string,
      string
    >,
  });

  const deliver = async (event: PlannedEvent, result: EventResult): Promise<void> => {
    let due = event.at;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (!(await waitUntil(due))) break;
      const record = await send('event', event, attempt, signedNow(event));
      if (!record) break;
      result.attempts = attempt;
      result.statuses.push(record.status ?? record.error ?? 'error');
      const status = record.status ?? 0;
      if (status >= 200 && status < 300) {
        endpoint.succeeded();
        result.outcome = 'acknowledged';
        return;
      }
      // Redirects are never followed; one disables the endpoint at once (decided in send).
      if (status >= 300 && status < 400) break;
      endpoint.failed(Date.now());
      if (attempt < MAX_ATTEMPTS)
        due = (Date.now() - startedAt) / 1000 / options.timeScale + event.retryDelays[attempt - 1]!;
    }
    // Three failed attempts: the platform drops the event, with no signal and no replay.
    result.outcome = result.attempts === MAX_ATTEMPTS ? 'dropped' : 'undelivered';
  };

  const duplicate = async (event: PlannedEvent): Promise<void> => {
    if (event.duplicateAfter === undefined || !(await waitUntil(event.at + event.duplicateAfter))) return;
    const record = await send('duplicate', event, 1, signedNow(event));
    if (!record) return;
    results.duplicates.push({ id: event.id, status: record.status ?? record.error ?? 'error' });
  };

  const forge = async (forgery: PlannedForgery): Promise<void> => {
    if (!(await waitUntil(forgery.at))) return;
    const record = await send('forgery', { id: forgery.id, type: `forged:${forgery.kind}` }, 1, (nowSeconds) =>
      forgeDelivery(forgery.kind, { ...forgery, key: options.keys, nowSeconds }),
    );
    if (record)
      results.forgeries.push({ id: forgery.id, kind: forgery.kind, status: record.status ?? record.error ?? 'error' });
  };

  await Promise.all([
    ...plan.events.map((event, index) => deliver(event, results.events[index]!)),
    ...plan.events.map(duplicate),
    ...plan.forgeries.map(forge),
  ]);
  return { results, endpoint };
}
