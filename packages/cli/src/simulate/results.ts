import type { ForgeryKind } from './forgeries.js';

/** One HTTP request the emulator made. */
export interface AttemptRecord {
  kind: 'event' | 'duplicate' | 'forgery';
  id: string;
  type: string;
  /** 1-based attempt number (duplicates and forgeries: 1). */
  attempt: number;
  status: number | undefined;
  ms: number;
  error?: string;
  /** The webhook-timestamp it carried. */
  timestamp: number;
}

/** What finally happened to an event. */
export type Outcome = 'pending' | 'acknowledged' | 'dropped' | 'undelivered';

/** Per-event bookkeeping. */
export interface EventResult {
  id: string;
  type: string;
  outcome: Outcome;
  attempts: number;
  statuses: Array<number | string>;
}

/** Everything a run observed; the report is computed from it. */
export class RunResults {
  readonly events: EventResult[];
  readonly attempts: AttemptRecord[] = [];
  readonly forgeries: Array<{ id: string; kind: ForgeryKind; status: number | string }> = [];
  readonly duplicates: Array<{ id: string; status: number | string }> = [];
  interrupted = false;

  constructor(events: Array<{ id: string; type: string }>) {
    this.events = events.map(({ id, type }) => ({ id, type, outcome: 'pending', attempts: 0, statuses: [] }));
  }

  /** How many events have reached a final outcome. */
  settled(): number {
    return this.events.filter((event) => event.outcome !== 'pending').length;
  }
}
