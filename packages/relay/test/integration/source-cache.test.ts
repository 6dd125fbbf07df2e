// Ingress caches sources. Within a process every change applies at once (ingress.test.ts); with
// two relay processes on one PostgreSQL database, a change made through one reaches the other
// once its cached copy is SOURCE_CACHE_TTL_MS old (docs/relay.md, Sources).
import { afterAll, afterEach, expect, it } from 'vitest';
import { SOURCE_CACHE_TTL_MS } from '../../src/api/source-cache.js';
import { databaseVariants, describeOnPostgres } from '../helpers/databases.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('source-cache');

describeOnPostgres('the source cache across relays on $name', variants, (variant) => {
  const relays: Harness[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
  });
  afterAll(() => variant.cleanup());

  it("applies another relay's key rotation and deletion within the documented bound", async () => {
    const database = variant.fresh();
    const a = await startHarness(variant, { database });
    relays.push(a);
    const b = await startHarness(variant, { database, clockStart: a.clock.now() });
    relays.push(b);
    const old = await a.source('platform');
    expect((await b.ingest('platform', old, 'session.status_idled')).status).toBe(200); // b caches it

    const next = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    expect((await a.api('PATCH', '/v1/sources/platform', { keys: [next] })).status).toBe(200);
    expect((await a.ingest('platform', old, 'session.status_idled')).status).toBe(400); // a: at once
    // b has not looked again yet: the bound, not a bug.
    expect((await b.ingest('platform', old, 'session.status_idled')).status).toBe(200);
    b.clock.advance(SOURCE_CACHE_TTL_MS);
    expect((await b.ingest('platform', old, 'session.status_idled')).status).toBe(400);
    expect((await b.ingest('platform', next, 'session.status_idled')).status).toBe(200);

    expect((await a.api('DELETE', '/v1/sources/platform')).status).toBe(204);
    b.clock.advance(SOURCE_CACHE_TTL_MS);
    expect((await b.ingest('platform', next, 'session.status_idled')).status).toBe(404);
  });
});
