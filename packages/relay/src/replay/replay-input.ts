import { invalidPatternReason } from '../event-type-filter.js';
import { ApiError, invalid } from '../http/api-error.js';
import { newId } from '../ids.js';
import { formatDuration } from '../lanes/auto-disable.js';
import { type NewReplayJob, REPLAY_MODES, type ReplayMode } from './replay-types.js';

function time(value: unknown, name: string): number {
  const ms =
    typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(`\`${name}\` must be an RFC 3339 time or epoch milliseconds.`);
  return ms;
}

/**
 * Refuses a range that starts before the retention horizon: events received before it may be
 * pruned already, so the job would silently replay only what is left (an operator asking for "the
 * last 45 days" under 30-day retention must learn that, not find out from the counts). Nothing
 * to refuse when retention is off (0).
 */
function refuseRangeBeforeRetention(since: number, until: number, now: number, retentionMs: number): void {
  if (retentionMs <= 0) return;
  const horizon = now - retentionMs;
  if (since >= horizon) return;
  const earliest = new Date(horizon).toISOString();
  const age = formatDuration(retentionMs);
  const what =
    until <= horizon
      ? `The whole range is older than the retention age (${age}, retentionMs ${retentionMs}): its events have been or are being pruned, so nothing is left to replay.`
      : `\`since\` is before the retention horizon: events received more than ${age} ago (retentionMs ${retentionMs}) are pruned, so the range cannot be replayed in full.`;
  throw new ApiError(
    422,
    'range_before_retention',
    `${what} The earliest replayable time is ${earliest}; start the range at or after it (it moves forward with the clock).`,
    { retention_ms: retentionMs, earliest_replayable_at: earliest },
  );
}

/**
 * Validates `POST /v1/replays`; `until` defaults to now. `retentionMs` is the relay's retention
 * age (0: keep everything). Whether the destination exists is checked by the route.
 */
export function parseReplayInput(input: Record<string, unknown>, now: number, retentionMs = 0): NewReplayJob {
  for (const key of Object.keys(input)) {
    if (!['mode', 'since', 'until', 'destination_id', 'event_types', 'dry_run'].includes(key)) {
      throw invalid(`Unknown field \`${key}\`.`);
    }
  }
  if (!REPLAY_MODES.includes(input.mode as ReplayMode)) {
    throw invalid(`\`mode\` must be one of ${REPLAY_MODES.join(', ')}.`);
  }
  if (input.since === undefined) throw invalid('`since` is required: replays cover a time range of received events.');
  const since = time(input.since, 'since');
  const until = input.until === undefined || input.until === null ? now : time(input.until, 'until');
  if (since >= until) throw invalid('`since` must be before `until`.');
  refuseRangeBeforeRetention(since, until, now, retentionMs);
  const destinationId = input.destination_id ?? null;
  if (destinationId !== null && typeof destinationId !== 'string') throw invalid('`destination_id` must be a string.');
  const eventTypes = input.event_types ?? [];
  if (!Array.isArray(eventTypes) || eventTypes.some((t) => typeof t !== 'string')) {
    throw invalid('`event_types` must be an array of event types or `prefix.*` wildcards.');
  }
  for (const pattern of eventTypes as string[]) {
    const reason = invalidPatternReason(pattern);
    if (reason) throw invalid(`\`event_types\`: ${reason}.`);
  }
  if (input.dry_run !== undefined && typeof input.dry_run !== 'boolean') throw invalid('`dry_run` must be a boolean.');
  return {
    id: newId('rpl', now),
    mode: input.mode as ReplayMode,
    since,
    until,
    destinationId,
    eventTypes: eventTypes as string[],
    dryRun: input.dry_run === true,
    createdAt: now,
  };
}
