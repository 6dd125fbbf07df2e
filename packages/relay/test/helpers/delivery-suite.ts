import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { DatabaseVariant } from './databases.js';
import { TestReceiver } from './receiver.js';
import { type Harness, startHarness } from './relay-harness.js';
import { TestClock } from './test-clock.js';

/** What each test of a delivery suite gets: a fresh relay, the shared receiver, a source key. */
export interface DeliverySuite {
  h: Harness;
  receiver: TestReceiver;
  key: string;
}

/**
 * Registers the hooks every end-to-end delivery suite needs: one loopback receiver for the
 * file, a fresh relay per test whose clock the receiver follows (it checks timestamps against
 * it), and a `platform` source. `use` hands each test's values to the file's own variables.
 */
export function useDeliverySuite(variant: DatabaseVariant, use: (suite: DeliverySuite) => void): void {
  let receiver: TestReceiver;
  let h: Harness | undefined;
  beforeAll(async () => {
    receiver = await new TestReceiver(new TestClock()).start();
  });
  afterAll(async () => {
    await receiver.stop();
    await variant.cleanup();
  });
  beforeEach(async () => {
    h = await startHarness(variant);
    receiver.clock = h.clock;
    use({ h, receiver, key: await h.source('platform') });
  });
  afterEach(async () => {
    await h?.stop();
  });
}
