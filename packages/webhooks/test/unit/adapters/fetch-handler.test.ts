import { describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../../src/adapters/fetch/index.js';
import { Webhooks } from '../../../src/index.js';
import { createTestDelivery, generateSecret } from '../../../src/testing/index.js';

const key = generateSecret();

describe('createFetchHandler', () => {
  it('stops reading a streamed body at the limit and cancels the rest of the stream', async () => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(512));
      },
      cancel() {
        cancelled = true;
      },
    });
    const handler = createFetchHandler(new Webhooks({ key }), { bodyLimit: 2048 });
    const response = await handler(
      new Request('http://localhost/webhooks', {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10); // an endless stream: only about limit/512 chunks were read
  });

  it('serves only its path when given one, 404 elsewhere', async () => {
    const handler = createFetchHandler(new Webhooks({ key }), { path: '/hooks' });
    const { body, headers } = createTestDelivery({ type: 'session.created', key });
    const init = { method: 'POST', body, headers: headers as unknown as Record<string, string> };
    expect((await handler(new Request('https://example.test/hooks', init))).status).toBe(204);
    expect((await handler(new Request('https://example.test/other', init))).status).toBe(404);
  });
});

describe('createFetchHandler with a consumed body', () => {
  it('answers 500 payload_not_raw when something read the Request body first', async () => {
    const handler = createFetchHandler(new Webhooks({ key, log: { error: () => undefined } }));
    const { body, headers } = createTestDelivery({ type: 'session.created', key });
    const request = new Request('https://example.test/webhooks', { method: 'POST', body, headers });
    await request.json(); // what a framework's JSON helper does
    const response = await handler(request);
    expect(response.status).toBe(500);
    const json = (await response.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('payload_not_raw');
    expect(json.error.message).toContain('already read');
  });
});
