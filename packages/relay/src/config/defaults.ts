// Every default the relay uses, in one place. Each is overridable (see load-config.ts and
// docs/relay.md); the comments say why the number is what it is.

/** Seconds; the schedule after the first attempt (Svix's, proven in production). 7 retries, ~27.5 h in total. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

export const DEFAULTS = {
  /** `--port`: the platform and the admin API share one listener. */
  port: 8787,
  /** `--host`: loopback unless told otherwise; put a TLS proxy in front for the platform. */
  host: '127.0.0.1',
  /** `--data-dir`: SQLite database, generated admin token and master key live here. */
  dataDir: './data',
  /** Largest accepted ingress body. Platform events are thin (< 1 KiB); 256 KiB leaves room. */
  maxBodyBytes: 256 * 1024,
  /** Largest admin API request body (destinations, published events). */
  maxAdminBodyBytes: 1024 * 1024,
  /**
   * How long the HTTP server keeps an idle keep-alive connection. Above the idle timeout of the
   * senders and load balancers in front (60 s on AWS ALB), so they close first: a server that
   * closes a connection just as the sender reuses it makes that delivery fail with a reset (Node's
   * default is 5 s; at 1000 events/s the bench saw a few such resets per minute).
   */
  keepAliveTimeoutMs: 65_000,
  /** Allowed clock skew on `webhook-timestamp`, both directions (the SDK's value). */
  toleranceSeconds: 300,
  /** Per-attempt timeout for a destination unless the destination sets `timeout_ms`. */
  destinationTimeoutMs: 15_000,
  /** Connect timeout; part of the attempt timeout, but a dead host should fail fast. */
  connectTimeoutMs: 5_000,
  /** A lease outlives the attempt timeout by this much, so a live worker never loses its claim. */
  leaseMarginMs: 10_000,
  /** ±20 % jitter spreads retries so a recovering destination is not hit by a thundering herd. */
  retryJitter: 0.2,
  /** After a timeout or a 429 the destination is struggling: wait at least this long. */
  minDelayAfterThrottleMs: 60_000,
  /** How long the previous destination secret still signs after a rotation. */
  secretRotationGraceMs: 24 * 60 * 60 * 1000,
  /** Response bodies are stored truncated to this many bytes (read into a capped buffer). */
  responseBodyLimitBytes: 4 * 1024,
  /** How often the dispatcher looks for due deliveries when nothing woke it. */
  pollIntervalMs: 500,
  /**
   * Most deliveries one claim takes. Claims take per destination only its lane's free slots, so
   * with the default lanes this rarely binds; it bounds one statement's work.
   */
  claimBatchSize: 50,
  /**
   * Requests open at once across all destinations in one process (an answered attempt waiting for
   * its result's group commit no longer counts): bounds sockets and memory, not throughput, which
   * the per-destination caps set.
   */
  maxInFlight: 64,
  /** Attempts in flight to one destination (its lane); part 2 makes this per-destination. */
  maxInFlightPerDestination: 10,
  /** On SIGTERM/SIGINT, how long in-flight attempts may finish before their leases are released. */
  shutdownTimeoutMs: 10_000,
  /** Cached responses for `Idempotency-Key` are kept this long (as Svix does). */
  idempotencyTtlMs: 12 * 60 * 60 * 1000,
  /** Page size of list endpoints, and its ceiling. */
  pageSize: 50,
  maxPageSize: 250,
  /** SQLite `synchronous`: FULL makes an acknowledged event survive power loss, not only a crash. */
  sqliteSynchronous: 'FULL' as 'FULL' | 'NORMAL',
  /**
   * Run the database work in its own worker thread (store/threaded/), when not set: yes for
   * SQLite, whose calls are synchronous (the main thread then only verifies, routes and sends,
   * and a commit or checkpoint never stalls it); no for PostgreSQL, whose driver already waits
   * off the thread, so the hand-off is pure cost (bench: burst delivery about 15 % slower with it).
   */
  storeThread: undefined as boolean | undefined,
  /**
   * `--role`: `both` serves HTTP and dispatches; with PostgreSQL, `api` processes (ingress and the
   * admin API) and `worker` processes (delivery, replay jobs, retention) can scale separately.
   */
  role: 'both' as 'api' | 'worker' | 'both',
  /** Events, payloads and attempts older than this are pruned (30 days); 0 keeps everything. */
  retentionMs: 30 * 24 * 60 * 60 * 1000,
  /** How often the background pruner looks for expired rows. */
  retentionIntervalMs: 60_000,
  /** Rows deleted per pruning transaction: small, so ingress never waits behind a long delete. */
  retentionBatchSize: 500,
  /** How often a worker looks for replay jobs when nothing woke it. */
  replayPollIntervalMs: 1_000,
  /** Events per replay batch; each batch (enqueue + cursor + counters) is one short transaction. */
  replayBatchSize: 200,
  /** A replay job's lease; renewed by every batch, so a job whose worker died resumes elsewhere after this. */
  replayLeaseMs: 30_000,
  /**
   * Failing without a single 2xx for this long disables a destination (5 days, as the platform
   * and Svix do): long enough to ride out a weekend outage, short enough to stop a dead one.
   */
  autoDisableAfterMs: 5 * 24 * 60 * 60 * 1000,
  /**
   * `--allow-networks`: CIDRs and host names exempt from the SSRF guard; none by default, so
   * loopback and private destinations are refused until allowed (`127.0.0.0/8` for local use).
   */
  allowNetworks: undefined as string | undefined,
} as const;
