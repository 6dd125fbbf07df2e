// An upload the client abandons halfway must end the node middleware's work, not leave it
// waiting for a body that will never come: one such request a minute would otherwise keep a
// pending promise, its closures and the partial body for the life of the process.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Webhooks } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { describe, expect, it } from 'vitest';
import { postTruncated } from './raw-requests.js';

describe('createNodeMiddleware with an abandoned upload', () => {
  it('settles once the client hangs up mid-body, without running a handler', async () => {
    const key = generateSecret();
    const webhooks = new Webhooks({ key });
    let runs = 0;
    webhooks.on('session.status_idled', () => {
      runs++;
    });
    const middleware = createNodeMiddleware(webhooks, { path: '/webhooks' });
    const settled: Promise<void>[] = [];
    const server = createServer((req, res) => {
      settled.push(middleware(req, res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { body, headers } = createTestDelivery({ type: 'session.status_idled', key });
      await postTruncated(`http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`, body, headers);
      expect(settled).toHaveLength(1);
      // A middleware still waiting for the body never settles: the test's timeout fails it.
      await expect(settled[0]).resolves.toBeUndefined();
      expect(runs).toBe(0);
    } finally {
      server.close();
    }
  });
});
