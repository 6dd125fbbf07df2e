/** One delivery as `hookline listen` saw it; `--json` prints exactly this, one per line. */
export interface DeliveryRecord {
  time: string;
  method: string;
  path: string;
  /** The webhook-id header (the event id), when present. */
  id: string | null;
  /** `data.type`, when the body could be read. */
  type: string | null;
  /** `data.id` and any other resource ids in `data` (`session_thread_id`, `vault_id`, …). */
  resources: Record<string, string>;
  verified: boolean;
  /** The event id was seen before in this run: a retry or a duplicate, both normal. */
  duplicate: boolean;
  /** Why the delivery was rejected. */
  error: { code: string; message: string; reason?: string } | null;
  /** The status the listener answered. */
  status: number;
  forward: { status: number | null; ms: number; error?: string } | null;
}
