import Anthropic from '@anthropic-ai/sdk';
import { EVENT_TYPES, sign, unwrap, unwrapAsync } from '@hookline/webhooks';
import { createTestDelivery, generateSecret, sampleData } from '@hookline/webhooks/testing';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

// Built packages (what users install) against the reference library and the official SDK.
const key = generateSecret();
const client = new Anthropic({ apiKey: 'test', webhookKey: key });
const reference = new Webhook(key);

function eventBody(type: string, index: number): { id: string; body: string } {
  const id = `whe_${index.toString(16).padStart(32, '0')}`;
  const body = JSON.stringify({ id, created_at: '2026-11-26T10:00:00Z', data: sampleData(type), type: 'event' });
  return { id, body };
}

describe.each(EVENT_TYPES.map((type, index) => [type, index] as const))('%s', (type, index) => {
  it('a delivery signed by standardwebhooks is accepted by unwrap and unwrapAsync', async () => {
    const { id, body } = eventBody(type, index);
    const now = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': reference.sign(id, now, body),
    };
    expect(unwrap(body, { headers, key }).data.type).toBe(type);
    expect((await unwrapAsync(body, { headers, key })).data.type).toBe(type);
  });

  it('a delivery signed by sign is accepted by standardwebhooks and by the SDK unwrap', () => {
    const delivery = createTestDelivery({ type, key });
    expect(reference.verify(delivery.body, delivery.headers)).toEqual(JSON.parse(delivery.body));
    expect(client.beta.webhooks.unwrap(delivery.body, { headers: delivery.headers })).toEqual(delivery.event);
  });

  it('a delivery signed with a rotated key list is accepted by both', () => {
    const { id, body } = eventBody(type, index);
    const headers = sign({ id, body, key: [generateSecret(), key] });
    expect(reference.verify(body, headers)).toEqual(JSON.parse(body));
    expect(client.beta.webhooks.unwrap(body, { headers }).id).toBe(id);
  });
});
