import type { Logger } from './handler-types.js';

const ignore = (): void => undefined;

/** Fills in the levels a partial logger leaves out: debug and info are quiet, warn and error go to the console. */
export function createLogger(log: Partial<Logger> = {}): Logger {
  return {
    debug: log.debug ?? ignore,
    info: log.info ?? ignore,
    warn: log.warn ?? ((message, ...meta) => console.warn(message, ...meta)),
    error: log.error ?? ((message, ...meta) => console.error(message, ...meta)),
  };
}
