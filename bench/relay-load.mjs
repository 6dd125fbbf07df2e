// Load for `npm run bench:relay`, generated in the bench process (the relay runs in another):
// autocannon for the ingress ceiling, and a paced or as-fast-as-accepted sender for the
// end-to-end runs that remembers when it created each event.
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { SOURCE, signedEvent } from './relay-events.mjs';

const INGEST_PATH = `/ingest/${SOURCE}`;

/**
 * autocannon against `url` for `seconds`; every request is a fresh signed event with a unique
 * id. Events are signed before the timed window so the generator spends its CPU on HTTP; if the
 * target drains the pool, signing continues inline.
 */
export async function ingressLoad(url, { seconds, connections, poolSize }) {
  let counter = 0;
  const pool = Array.from({ length: poolSize }, () => signedEvent(counter++));
  const next = () => pool.pop() ?? signedEvent(counter++);
  const result = await autocannon({
    url: `${url}${INGEST_PATH}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, headers } = next();
          return { ...request, body, headers };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Posts one event and returns the status (used to check the relay verifies before timing it). */
export async function postOnce(url, event) {
  const response = await fetch(`${url}${INGEST_PATH}`, { method: 'POST', headers: event.headers, body: event.body });
  await response.arrayBuffer();
  return response.status;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST over a keep-alive agent; resolves to the status code (0 for a network error). */
function post(url, agent, event) {
  return new Promise((resolve) => {
    const req = request(`${url}${INGEST_PATH}`, { method: 'POST', agent, headers: event.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(event.body);
  });
}

/**
 * Sends `events` to the relay's ingress, either at `rate` events/s (a fixed offered rate: event
 * i leaves at start + i/rate whatever the answers, as a platform would send them) or, without
 * a rate, as fast as `connections` parallel requests are answered. Returns when every request
 * is answered, with each event's creation time (Date.now() when it was sent: the receiver
 * timestamps arrival with the same clock).
 */
export async function sendEvents(url, events, { rate, connections = 64 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const created = new Map();
  let refused = 0;
  let lastSend = 0;
  const send = async (event) => {
    lastSend = Date.now();
    created.set(event.id, lastSend);
    if ((await post(url, agent, event)) !== 200) refused++;
  };
  const firstSend = Date.now();
  const pending = [];
  if (rate) {
    const start = performance.now();
    let next = 0;
    while (next < events.length) {
      const due = Math.min(events.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (next < due) pending.push(send(events[next++]));
      await sleep(1);
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < events.length) await send(events[next++]);
    };
    pending.push(...Array.from({ length: connections }, worker));
  }
  await Promise.all(pending);
  agent.destroy();
  return { created, refused, firstSend, sendSeconds: (lastSend - firstSend) / 1000 };
}
