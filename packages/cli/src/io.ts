import type { Readable, Writable } from 'node:stream';

/** Where a command reads and writes; injected so output rules (TTY, NO_COLOR) can be tested. */
export interface Io {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable;
  env: Record<string, string | undefined>;
}

/** The real process streams and environment. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Writes one line. */
export function println(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}
