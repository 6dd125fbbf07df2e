import type { AddressInfo } from 'node:net';
import { Webhooks } from '@hookline/webhooks';
import { createFastifyPlugin } from '@hookline/webhooks/fastify';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

const key = generateSecret();

async function statuses(app: ReturnType<typeof Fastify>, paths: string[]): Promise<number[]> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  try {
    const result: number[] = [];
    for (const path of paths) {
      const { body, headers } = createTestDelivery({ type: 'session.created', key });
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        body,
        headers: headers as unknown as Record<string, string>,
        redirect: 'manual',
      });
      result.push(response.status);
    }
    return result;
  } finally {
    await app.close();
  }
}

describe('Fastify plugin routing', () => {
  it('works under a register prefix, with and without a trailing slash', async () => {
    const app = Fastify();
    await app.register(createFastifyPlugin(new Webhooks({ key }), { path: '/webhooks' }), { prefix: '/api' });
    expect(await statuses(app, ['/api/webhooks', '/api/webhooks/', '/webhooks'])).toEqual([204, 204, 404]);
  });

  it('works on an instance that already ignores trailing slashes (no duplicate route)', async () => {
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    await app.register(createFastifyPlugin(new Webhooks({ key }), { path: '/webhooks' }));
    expect(await statuses(app, ['/webhooks', '/webhooks/'])).toEqual([204, 204]);
  });
});
