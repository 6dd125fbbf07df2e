// One server of `npm run bench:http`, run in its own process: `node http-servers.mjs <target>`.
// Prints the port it listens on (127.0.0.1 only), then serves until killed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Webhooks } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import express from 'express';
import { Webhook } from 'standardwebhooks';

export const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const targets = {
  /** The floor: answers 204 without looking at the body. */
  floor: () =>
    createServer((_req, res) => {
      res.writeHead(204);
      res.end();
    }),

  /** The floor for any verifying server: reads the whole body, then answers 204 (no verification). */
  'floor-read-body': () =>
    createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(204);
        res.end();
      });
    }),

  /**
   * The floor for a correct verifier in Node: what a careful user writes with node:crypto alone.
   * Reads the body, HMAC-SHA256 with the secret decoded once, a constant-time comparison with the
   * one `v1` signature, JSON.parse. Less than a receiver should do: no timestamp window, no other
   * signature entries, no validation, no routing, no dedupe.
   */
  'floor-verify': () => {
    const secret = Buffer.from(KEY.slice('whsec_'.length), 'base64');
    return createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const expected = createHmac('sha256', secret)
          .update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.`)
          .update(body)
          .digest();
        const given = Buffer.from(String(req.headers['webhook-signature']).slice(3), 'base64');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.writeHead(400);
          res.end();
          return;
        }
        JSON.parse(body.toString('utf8'));
        res.writeHead(204);
        res.end();
      });
    });
  },

  /** Hookline: verify + parse + validate + route + in-memory dedupe, through the shared HTTP core. */
  hookline: () => {
    const webhooks = new Webhooks({ key: KEY });
    webhooks.on('session.status_idled', () => undefined);
    webhooks.onAny(() => undefined);
    return createServer(createNodeMiddleware(webhooks, { path: '/webhooks' }));
  },

  /** What users write today: Express, express.raw() and the reference standardwebhooks library. */
  'express+standardwebhooks': () => {
    const wh = new Webhook(KEY);
    const app = express();
    app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
      try {
        const event = wh.verify(req.body.toString('utf8'), req.headers);
        if (event.data.type === 'session.status_idled') res.sendStatus(204);
        else res.sendStatus(204);
      } catch {
        res.sendStatus(400);
      }
    });
    return createServer(app);
  },
};

// Serve only when started directly; http.bench.mjs imports this module for KEY and TARGETS.
const name = process.argv[1] === fileURLToPath(import.meta.url) ? process.argv[2] : undefined;
if (name) {
  const make = targets[name];
  if (!make) throw new Error(`unknown target ${name}; one of ${Object.keys(targets).join(', ')}`);
  const server = make();
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`);
  });
  // CPU accounting, robust on a shared machine where req/s is not: SIGUSR2 starts the window
  // (after the warm-up), SIGTERM prints this process's CPU time and requests served in it.
  // The wall time of the window too: CPU over wall time says whether this server's core was the
  // bottleneck (near 100 %) or the load generator was.
  let served = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = process.hrtime.bigint();
  server.on('request', () => {
    served++;
  });
  process.on('SIGUSR2', () => {
    served = 0;
    cpuStart = process.cpuUsage();
    wallStart = process.hrtime.bigint();
  });
  process.on('SIGTERM', () => {
    const cpu = process.cpuUsage(cpuStart);
    const wallUs = Number((process.hrtime.bigint() - wallStart) / 1000n);
    process.stdout.write(`${JSON.stringify({ cpuUs: cpu.user + cpu.system, wallUs, served })}\n`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

export const TARGETS = Object.keys(targets);
/** The servers that check signatures; the floors answer 204 to anything. */
export const VERIFYING = new Set(['floor-verify', 'hookline', 'express+standardwebhooks']);
