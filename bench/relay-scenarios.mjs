// The three measurements of `npm run bench:relay`, each on a fresh database and a fresh relay
// process: ingress (against the floor), end to end, and end to end with a hanging destination.
import { createTestDelivery } from '@hookline/webhooks/testing';
import { postgresCpuMs } from './relay-cpu.mjs';
import { configureRelay, DESTINATIONS, expectedArrivals, HANGING, signedEvent } from './relay-events.mjs';
import { ingressLoad, postOnce, sendEvents } from './relay-load.mjs';
import { freshDatabase, startFloor, startRelay } from './relay-processes.mjs';
import { summarizeDeliveries } from './relay-stats.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `load()`'s result plus the server's CPU per request over it (µs; undefined without /proc). */
async function timedWithCpu(server, load) {
  const before = server.cpuMs();
  const result = await load();
  const after = server.cpuMs();
  const cpuUsPerRequest =
    before !== undefined && after !== undefined && result.total > 0
      ? ((after - before) * 1000) / result.total
      : undefined;
  return { ...result, cpuUsPerRequest };
}

/** The floor: bare node:http answering 200, loaded exactly like the relay's ingress. */
export async function measureFloor({ seconds, connections }) {
  const floor = await startFloor();
  try {
    await ingressLoad(floor.url, { seconds: 1, connections, poolSize: 5_000 }); // warm-up
    return await timedWithCpu(floor, () =>
      ingressLoad(floor.url, { seconds, connections, poolSize: seconds * 20_000 }),
    );
  } finally {
    await floor.stop();
  }
}

/**
 * Durable ingress on `kind`: verify, validate, commit (SQLite with synchronous=FULL), answer.
 * No destinations, so what is measured is ingress alone; the end-to-end runs add delivery.
 */
export async function measureIngress({ kind, postgresUrl, seconds, connections }) {
  const database = freshDatabase(kind, postgresUrl);
  const relay = await startRelay(database);
  try {
    await configureRelay(relay, undefined, []);
    // Refuse to time a relay that does not verify: a good event must be 200, a forged one 400.
    const good = signedEvent(0);
    const forged = createTestDelivery({ type: 'session.status_idled', key: `whsec_${'A'.repeat(43)}=` });
    const statuses = [await postOnce(relay.url, good), await postOnce(relay.url, forged)];
    if (statuses[0] !== 200 || statuses[1] !== 400) throw new Error(`ingress check: expected 200/400, got ${statuses}`);
    await ingressLoad(relay.url, { seconds: 1, connections, poolSize: 5_000 }); // warm-up
    const result = await timedWithCpu(relay, () =>
      ingressLoad(relay.url, { seconds, connections, poolSize: seconds * 8_000 }),
    );
    return { ...result, log: relay.log() };
  } finally {
    await relay.stop();
    await database.cleanup();
  }
}

/** Polls the receiver until every expected delivery arrived or `timeoutMs` passed (after the last send). */
async function waitForArrivals(receiver, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await receiver.counts();
    if (Object.entries(expected).every(([path, n]) => (counts[path] ?? 0) >= n)) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/** The value of one labelled sample in Prometheus text, or undefined. */
function metric(text, name, destinationId) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{destination="${destinationId}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * `count` events (after `warmup` unmeasured ones) through a fresh relay to the receiver's three destinations (and, with `hang`,
 * a fourth that never answers), offered at `rate` events/s or as fast as accepted. Waits at
 * most `timeoutMs` after the last event is accepted. Returns the created→delivered summary of
 * the three answering destinations.
 */
export async function measureEndToEnd({
  kind,
  postgresUrl,
  receiver,
  count,
  rate,
  hang = false,
  timeoutMs,
  warmup = 0,
}) {
  const destinations = hang ? [...DESTINATIONS, HANGING] : DESTINATIONS;
  const events = Array.from({ length: count }, (_, i) => signedEvent(i));
  const expected = expectedArrivals(events, DESTINATIONS);
  const database = freshDatabase(kind, postgresUrl);
  const relay = await startRelay(database);
  try {
    await configureRelay(relay, receiver, destinations);
    if (warmup > 0) {
      // Measure a relay that has run, as one in service has: the same traffic first, unmeasured,
      // so the JIT, the connection pools and the database's caches are warm. A cold process
      // spends its first second or two compiling, and at a fixed rate near its capacity the
      // queue that builds then takes many seconds to drain (the figures would measure start-up).
      const warm = Array.from({ length: warmup }, (_, i) => signedEvent(count + i));
      await receiver.collect();
      await sendEvents(relay.url, warm, rate ? { rate } : {});
      await waitForArrivals(receiver, expectedArrivals(warm, DESTINATIONS), timeoutMs);
    }
    await receiver.collect(); // start from nothing
    const databaseCpu = kind === 'postgres' ? postgresCpuMs : () => undefined;
    const cpuBefore = { relay: relay.cpuMs(), database: databaseCpu() };
    const sent = await sendEvents(relay.url, events, rate ? { rate } : {});
    const complete = await waitForArrivals(receiver, expected, timeoutMs);
    const cpuAfter = { relay: relay.cpuMs(), database: databaseCpu() };
    const arrivals = await receiver.collect();
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    // CPU per expected delivery over the measured phase (the warm-up excluded), in µs.
    const perDelivery = (name) =>
      cpuBefore[name] !== undefined && cpuAfter[name] !== undefined
        ? ((cpuAfter[name] - cpuBefore[name]) * 1000) / total
        : undefined;
    const summary = summarizeDeliveries({ ...sent, arrivals, expected: total, ignorePaths: [HANGING.path] });
    let hanging;
    if (hang) {
      // The relay's own view of the stuck destination, from the gauges this bench also exercises.
      const list = await relay.api('GET', '/v1/destinations?limit=10');
      const stuck = list.data.find((d) => d.url.endsWith(HANGING.path));
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      hanging = {
        queueDepth: metric(text, 'hookline_queue_depth', stuck?.id),
        oldestDueAgeSeconds: metric(text, 'hookline_oldest_due_delivery_age_seconds', stuck?.id),
      };
    }
    return {
      ...summary,
      expected: total,
      complete,
      refused: sent.refused,
      offeredPerSecond: count / sent.sendSeconds,
      cpuUsPerDelivery: { relay: perDelivery('relay'), database: perDelivery('database') },
      hanging,
      log: relay.log(),
    };
  } finally {
    await relay.stop();
    await receiver.release();
    await database.cleanup();
  }
}
