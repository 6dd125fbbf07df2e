import { describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../../src/adapters/fetch/index.js';
import { type DedupeStore, Webhooks } from '../../../src/index.js';
import { createTestDelivery, generateSecret } from '../../../src/testing/index.js';

const key = generateSecret();

function request(body: string, headers: Record<string, string>): Request {
  return new Request('https://example.test/webhooks', { method: 'POST', body, headers });
}

describe('responses for failures outside verification', () => {
  it('a dedupe store that is down gives 500 internal_error; onError gets the original error', async () => {
    const down: DedupeStore = {
      claim: async () => {
        throw new Error('ECONNREFUSED 10.0.0.7:6379');
      },
      complete: async () => undefined,
      release: async () => undefined,
    };
    const webhooks = new Webhooks({ key, dedupe: down });
    const seen: string[] = [];
    webhooks.onError((error) => {
      seen.push(error.message);
    });
    const delivery = createTestDelivery({ type: 'session.created', key });
    const response = await createFetchHandler(webhooks)(request(delivery.body, delivery.headers));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('internal_error');
    expect(body.error.message).not.toContain('10.0.0.7'); // internals stay out of the response
    expect(seen).toEqual(['ECONNREFUSED 10.0.0.7:6379']);
  });

  it('no key anywhere gives 500 missing_key, so the platform retries once it is configured', async () => {
    const saved = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
    delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
    try {
      const webhooks = new Webhooks({ log: { error: () => undefined } });
      const delivery = createTestDelivery({ type: 'session.created', key });
      const response = await createFetchHandler(webhooks)(request(delivery.body, delivery.headers));
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_key');
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = saved;
    }
  });

  it('a failing enqueue gives 500, so the delivery is not acknowledged', async () => {
    const webhooks = new Webhooks({ key, log: { error: () => undefined } });
    const handler = createFetchHandler(webhooks, {
      enqueue: async () => {
        throw new Error('queue full');
      },
    });
    const delivery = createTestDelivery({ type: 'session.created', key });
    expect((await handler(request(delivery.body, delivery.headers))).status).toBe(500);
  });
});
