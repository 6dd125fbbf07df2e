// Types of http-report.mjs, for the TypeScript smoke test; keep in step with the .mjs file.

/** One server's medians over the rounds of a run. */
export interface ServerResult {
  rps: number;
  low: number;
  high: number;
  p50: number;
  p99: number;
  /** Server CPU µs per request. */
  cpu: number;
  /** Server CPU time over wall time, 0–1. */
  busy: number;
}

export interface Verdict {
  byRps: number;
  byCpu: number;
  floorSaturated: boolean;
  measure: 'req/s' | 'CPU per request';
  minimalShare: number;
  reachable: boolean;
  base: 'floor' | 'floor-verify';
  share: number;
  vsExpress: number;
  aheadOfExpress: boolean;
  met: boolean;
}

export interface RunInfo {
  machine: { cpu: string; nproc: number; node: string };
  pinned: boolean;
  connections: number;
  rounds: number;
  seconds: number;
  date: string;
}

export declare const TARGET_SHARE: number;
export declare const SATURATED: number;
export declare function judge(results: Map<string, ServerResult>): Verdict;
export declare function verdictText(results: Map<string, ServerResult>, verdict: Verdict): string;
export declare function renderTable(results: Map<string, ServerResult>): string;
export declare function renderSection(results: Map<string, ServerResult>, run: RunInfo): string;
export declare function writeSection(section: string, path?: string | URL): void;
