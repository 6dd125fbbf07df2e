import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isKnownEvent,
  parseUnverified,
  unwrap,
  unwrapAsync,
  WebhookConfigError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '../../src/index.js';
import { createTestDelivery, generateSecret } from '../../src/testing/index.js';

// The official SDK's own unwrap test (tests/api-resources/beta/webhooks.test.ts), run against
// ours. "Key in the client option" is ANTHROPIC_WEBHOOK_SIGNING_KEY, which the SDK client reads.
describe('the official SDK unwrap test cases', () => {
  const key = 'whsec_c2VjcmV0Cg==';
  const payload =
    '{"id":"whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0","created_at":"2026-03-15T10:00:00Z","data":{"id":"sesn_011CZkZAtmR3yMPDzynEDxu7","organization_id":"org_011CZkZZAe0sMna4vkBdtrfx","type":"session.status_idled","workspace_id":"wrkspc_011CZkZaBF1tNoB5wlCeusgy"},"type":"event"}';
  const msgID = '1';
  const timestamp = new Date();
  const wh = new Webhook(key);
  const headers: Record<string, string> = {
    'webhook-signature': wh.sign(msgID, timestamp, payload),
    'webhook-id': msgID,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
  };
  const saved = process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
  const withEnvKey = <T>(value: string, run: () => T): T => {
    process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = value;
    try {
      return run();
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
      else process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY = saved;
    }
  };

  it('accepts the key as an option, from the environment, and prefers the option', () => {
    expect(unwrap(payload, { headers, key }).data.type).toBe('session.status_idled');
    expect(withEnvKey(key, () => unwrap(payload, { headers })).id).toBe('whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(withEnvKey('whsec_aaaaaaaaaa==', () => unwrap(payload, { headers, key })).id).toBeTruthy();
  });

  it('rejects a wrong key', () => {
    expect(() => unwrap(payload, { headers, key: 'whsec_aaaaaaaaaa==' })).toThrow('No matching signature found');
    expect(() => withEnvKey('whsec_aaaaaaaaaa==', () => unwrap(payload, { headers }))).toThrow(
      'No matching signature found',
    );
  });

  it('rejects a tampered payload', () => {
    const badSig = wh.sign(msgID, timestamp, 'some other payload');
    expect(() => unwrap(payload, { headers: { ...headers, 'webhook-signature': badSig }, key })).toThrow(
      'No matching signature found',
    );
  });

  it('rejects timestamp 5 as too old', () => {
    expect(() => unwrap(payload, { headers: { ...headers, 'webhook-timestamp': '5' }, key })).toThrow(
      'Message timestamp too old',
    );
  });

  it('rejects a wrong id', () => {
    expect(() => unwrap(payload, { headers: { ...headers, 'webhook-id': 'wrong' }, key })).toThrow(
      'No matching signature found',
    );
  });

  it('throws, never skips verification, without headers or with an empty key', () => {
    const message = 'Webhook headers are required in order to verify the signature';
    // @ts-expect-error headers is required by the type; at runtime it must still throw
    expect(() => unwrap(payload, { key })).toThrow(message);
    // @ts-expect-error no options at all
    expect(() => unwrap(payload)).toThrow(message);
    // @ts-expect-error the headers in place of the options
    expect(() => unwrap(payload, headers)).toThrow(message);
    expect(() => unwrap(payload, { headers, key: '' })).toThrow(
      'Webhook key must not be null or empty in order to unwrap',
    );
  });
});

describe('unwrap', () => {
  const key = generateSecret();
  afterEach(() => {
    delete process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY;
  });

  it('returns the typed, validated event, sync and async alike', async () => {
    const delivery = createTestDelivery({ type: 'session.thread_created', key });
    const event = unwrap(delivery.body, { headers: delivery.headers, key });
    expect(event).toEqual(delivery.event);
    expect(await unwrapAsync(Buffer.from(delivery.body), { headers: new Headers(delivery.headers), key })).toEqual(
      event,
    );
  });

  it('throws WebhookConfigError, not a silent pass, when no key is configured', () => {
    const delivery = createTestDelivery({ type: 'session.created', key });
    expect(() => unwrap(delivery.body, { headers: delivery.headers })).toThrow(WebhookConfigError);
  });

  it('verifies before parsing: a forged body never reaches JSON.parse', () => {
    const delivery = createTestDelivery({ type: 'session.created', key });
    expect(() => unwrap('{not json', { headers: delivery.headers, key })).toThrow(WebhookVerificationError);
  });

  it('reports invalid JSON and invalid UTF-8 in a correctly signed body as payload errors', async () => {
    const { sign } = await import('../../src/index.js');
    for (const [body, code] of [
      ['{"id": tru', 'invalid_json'],
      [Uint8Array.from([0x7b, 0xff, 0x7d]), 'invalid_utf8'],
    ] as const) {
      const headers = sign({ id: 'whe_1', body, key });
      try {
        unwrap(body, { headers, key });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookPayloadError);
        expect((error as WebhookPayloadError).code).toBe(code);
      }
    }
  });

  it('accepts unknown types by default, rejects them on request', () => {
    const delivery = createTestDelivery({ type: 'session.hibernated', key, data: { depth: 3 } });
    const event = unwrap(delivery.body, { headers: delivery.headers, key });
    if (isKnownEvent(event)) expect.unreachable('session.hibernated is not in the catalogue');
    // Narrowed to UnknownWebhookEvent: its new fields are readable without a cast.
    expect(String(event.data.type)).toBe('session.hibernated');
    expect(event.data.depth).toBe(3);
    expect(() => unwrap(delivery.body, { headers: delivery.headers, key, unknownEvents: 'reject' })).toThrow(
      'data.type: expected a known event type, got the string "session.hibernated"',
    );
  });

  it('parseUnverified parses and validates without any key', () => {
    const delivery = createTestDelivery({ type: 'vault.created', key });
    expect(parseUnverified(delivery.body).data.type).toBe('vault.created');
    expect(() => parseUnverified('{}')).toThrow(WebhookPayloadError);
  });
});
