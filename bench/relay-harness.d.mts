// Types of relay-harness.mjs, for the TypeScript smoke test; keep in step with the .mjs files.

export interface BenchDestination {
  path: string;
  event_types: string[];
}
export declare const DESTINATIONS: BenchDestination[];
export declare const HANGING: BenchDestination;
export declare function signedEvent(index: number): {
  id: string;
  type: string;
  body: string;
  headers: Record<string, string>;
};
export declare function expectedArrivals(
  events: { type: string }[],
  destinations: BenchDestination[],
): Record<string, number>;

export interface Receiver {
  url(path: string): string;
  counts(): Promise<Record<string, number>>;
  collect(): Promise<[id: string, path: string, at: number][]>;
  release(): Promise<number>;
  stop(): Promise<void>;
}
export declare function startReceiver(): Promise<Receiver>;
/** CPU ms used so far by this machine's PostgreSQL server processes; undefined without /proc or a local server. */
export declare function postgresCpuMs(): number | undefined;
export declare function findPostgres(): Promise<{ url: string | undefined; version?: string; reason?: string }>;

export interface IngressResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** The server process's user + system CPU per answered request (µs); undefined without /proc. */
  cpuUsPerRequest?: number | undefined;
}
export interface DeliverySummary {
  delivered: number;
  duplicates: number;
  unknown: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}
export interface EndToEndResult extends DeliverySummary {
  expected: number;
  complete: boolean;
  refused: number;
  offeredPerSecond: number;
  /** User + system CPU per expected delivery (µs) over the measured phase; undefined without /proc. */
  cpuUsPerDelivery: { relay: number | undefined; database: number | undefined };
  hanging: { queueDepth: number | undefined; oldestDueAgeSeconds: number | undefined } | undefined;
  log: { warnings: number; tail: string[] };
}
export declare function measureFloor(options: { seconds: number; connections: number }): Promise<IngressResult>;
export declare function measureIngress(options: {
  kind: 'sqlite' | 'postgres';
  postgresUrl?: string | undefined;
  seconds: number;
  connections: number;
}): Promise<IngressResult & { log: { warnings: number; tail: string[] } }>;
export declare function measureEndToEnd(options: {
  kind: 'sqlite' | 'postgres';
  postgresUrl?: string | undefined;
  receiver: Receiver;
  count: number;
  rate?: number;
  hang?: boolean;
  timeoutMs: number;
}): Promise<EndToEndResult>;

export declare function percentile(values: number[], p: number): number;
export declare function summarizeDeliveries(input: {
  created: Map<string, number>;
  arrivals: [string, string, number][];
  firstSend: number;
  expected: number;
  ignorePaths?: string[];
}): DeliverySummary;

export interface Run {
  kind: string;
  ingress: IngressResult;
  burst: EndToEndResult;
  paced: EndToEndResult;
  isolation: EndToEndResult;
}
export interface Settings {
  events: number;
  rate: number;
  seconds: number;
  connections: number;
  waitSeconds: number;
}
export interface Rendered {
  ingress: string;
  e2e: string;
  verdicts: string[];
  problems: string[];
}
export declare function renderResults(input: { floor: IngressResult; runs: Run[]; settings: Settings }): Rendered;
export declare function renderSection(
  results: Rendered,
  input: { runs: Run[]; settings: Settings; note?: string; load?: { start: number; end: number } },
): string;
