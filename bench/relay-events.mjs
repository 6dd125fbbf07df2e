// What `npm run bench:relay` sends: signed platform events of four types, and the three
// destinations (with filters) they fan out to, plus the one that hangs in the isolation run.
import { randomBytes } from 'node:crypto';
import { matchesEventType } from '@hookline/relay';
import { createTestDelivery } from '@hookline/webhooks/testing';

/** The source every bench event arrives through, and its signing key. */
export const SOURCE = 'bench';
export const SOURCE_KEY = `whsec_${randomBytes(32).toString('base64')}`;

/** Sent round-robin: half session events, half vault events. */
export const EVENT_TYPES = [
  'session.status_idled',
  'vault.created',
  'session.thread_created',
  'vault_credential.refresh_failed',
];

/** Every event goes to `/all` and to one of `/sessions` or `/vaults`: two deliveries per event. */
export const DESTINATIONS = [
  { path: '/all', event_types: [] },
  { path: '/sessions', event_types: ['session.*'] },
  { path: '/vaults', event_types: ['vault.*', 'vault_credential.*'] },
];

/** Added for the isolation run: takes every event and never answers (the relay's timeout fires). */
export const HANGING = { path: '/hang', event_types: [] };

/** A signed delivery of the `index`th event, with a fresh unique id. */
export function signedEvent(index) {
  const type = EVENT_TYPES[index % EVENT_TYPES.length];
  const { id, body, headers } = createTestDelivery({ type, key: SOURCE_KEY });
  return { id, type, body, headers };
}

/** How many deliveries each destination path should receive for these events. */
export function expectedArrivals(events, destinations) {
  const expected = Object.fromEntries(destinations.map((d) => [d.path, 0]));
  for (const event of events) {
    for (const d of destinations) if (matchesEventType(d.event_types, event.type)) expected[d.path]++;
  }
  return expected;
}

/** Creates the source and destinations on a running relay. */
export async function configureRelay(relay, receiver, destinations) {
  await relay.api('POST', '/v1/sources', { name: SOURCE, keys: [SOURCE_KEY] });
  for (const d of destinations) {
    await relay.api('POST', '/v1/destinations', { url: receiver.url(d.path), event_types: d.event_types });
  }
}
