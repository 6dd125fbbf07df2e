import { createTestDelivery, eventId, resourceId } from '@hookline/webhooks/testing';
import { retryDelays } from './backoff.js';
import { FORGERY_KINDS, type ForgeryKind } from './forgeries.js';
import { SCENARIOS } from './lifecycles.js';
import { Random } from './random.js';

/** One event the emulated platform emits, and everything random about its delivery, drawn up front. */
export interface PlannedEvent {
  seq: number;
  lifecycle: number;
  scenario: string;
  id: string;
  type: string;
  /** The exact body; identical on every attempt. */
  body: string;
  /** Platform seconds from the start of the run when the event is emitted. */
  at: number;
  /** Platform seconds to wait before attempts 2 and 3. */
  retryDelays: number[];
  /** Set when --reorder held this event back behind the next one of its lifecycle. */
  reordered: boolean;
  /** Platform seconds after emission at which an extra duplicate delivery is sent (--duplicates). */
  duplicateAfter?: number;
}

/** A forged delivery (--forged): sent once, must be rejected. */
export interface PlannedForgery {
  kind: ForgeryKind;
  id: string;
  body: string;
  tamperedBody: string;
  wrongKey: string;
  at: number;
}

/** The whole run, fixed before anything is sent: a seed reproduces it exactly. */
export interface Plan {
  events: PlannedEvent[];
  forgeries: PlannedForgery[];
  lifecycles: number;
  /** Platform seconds from the first to the last emission. */
  duration: number;
}

/** What shapes a plan. */
export interface PlanOptions {
  seed: string;
  scenarios: string[];
  sessions: number;
  /** New lifecycles per platform second (Poisson arrivals). */
  rate: number;
  duplicates: number;
  reorder: number;
  forged: number;
  /** created_at of platform second 0, epoch milliseconds. */
  epochMs: number;
}

interface Draft {
  lifecycle: number;
  scenario: string;
  type: string;
  at: number;
  data: Record<string, string>;
  last: boolean;
}

const PLACEHOLDER_KEY = 'whsec_cGxhY2Vob2xkZXI=';

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** Draws the lifecycles, their timeline and every injected fault from one seeded stream. */
export function buildPlan(options: PlanOptions): Plan {
  const random = new Random(options.seed);
  // One account: every event of a run shares the organization and workspace.
  const organization = resourceId('organization', random.ids);
  const workspace = resourceId('workspace', random.ids);
  const drafts: Draft[] = [];
  let start = 0;
  for (let lifecycle = 0; lifecycle < options.sessions; lifecycle++) {
    const scenario = options.scenarios[lifecycle % options.scenarios.length]!;
    if (lifecycle > 0) start += -Math.log(1 - random.next()) / options.rate;
    let at = start;
    const steps = SCENARIOS[scenario]!(random);
    steps.forEach((step, index) => {
      at += step.gap;
      drafts.push({ lifecycle, scenario, type: step.type, at, data: step.data, last: index === steps.length - 1 });
    });
  }
  drafts.sort((a, b) => a.at - b.at);
  const events: PlannedEvent[] = drafts.map((draft, seq) => {
    const { data, last, ...rest } = draft;
    const id = eventId(random.ids);
    const fields = { ...data, organization_id: organization, workspace_id: workspace };
    // The core's test helper shapes the body exactly as the platform does (field order, envelope);
    // its signature is discarded: every attempt is signed afresh at send time.
    const { body } = createTestDelivery({
      type: rest.type,
      key: PLACEHOLDER_KEY,
      id,
      data: fields,
      createdAt: rfc3339(options.epochMs + rest.at * 1000),
    });
    const event: PlannedEvent = { ...rest, seq, id, body, retryDelays: retryDelays(random), reordered: false };
    if (!last && random.chance(options.reorder)) {
      // Held back past the lifecycle's next event, so it arrives after it: .deleted before .archived.
      const next = drafts.slice(seq + 1).find((other) => other.lifecycle === draft.lifecycle)!;
      event.at = next.at + random.between(1, 10);
      event.reordered = true;
    }
    if (random.chance(options.duplicates)) event.duplicateAfter = random.between(1, 30);
    return event;
  });
  const forgeries: PlannedForgery[] = [];
  for (const event of events) {
    if (!random.chance(options.forged)) continue;
    const parsed = JSON.parse(event.body) as { data: Record<string, unknown> };
    const id = eventId(random.ids);
    const body = event.body.replace(event.id, id);
    const tamperedBody = body.replace(String(parsed.data.id), resourceId('session', random.ids));
    forgeries.push({
      kind: random.pick(FORGERY_KINDS),
      id,
      body,
      tamperedBody,
      wrongKey: random.secret(),
      at: event.at + random.between(0, 5),
    });
  }
  const times = [...events.map((event) => event.at), ...forgeries.map((forgery) => forgery.at)];
  return { events, forgeries, lifecycles: options.sessions, duration: times.length ? Math.max(...times) : 0 };
}
