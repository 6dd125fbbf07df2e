import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { RelayConfig } from './config/relay-config.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { Dispatcher } from './dispatcher/dispatcher.js';
import type { RelayMetrics } from './metrics.js';
import type { ReplayRunner } from './replay/replay-runner.js';
import type { Store } from './store/types.js';

/** What route handlers need; built once by createRelay. */
export interface RelayContext {
  config: RelayConfig;
  store: Store;
  clock: Clock;
  secretBox: SecretBox;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: RelayMetrics;
  /** Woken when a replay job is created, so a process that also works starts it at once. */
  replays?: ReplayRunner;
}
