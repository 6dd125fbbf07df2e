// Every JSON log line that mentions an event, delivery or destination carries its id under the
// standard field (`event_id` = the envelope's whe_ id, `delivery_id`, `destination_id`), so one
// filter follows an event through ingress, delivery attempts and failures.

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startRelay } from '@hookline/relay';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TestReceiver } from '../helpers/receiver.js';

const ID_FIELDS = { whe_: 'event_id', dlv_: 'delivery_id', dst_: 'destination_id' } as const;

describe('log fields', () => {
  it('carry event_id, delivery_id and destination_id wherever those ids appear', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const adminToken = `hla_${randomBytes(16).toString('hex')}`;
    const sourceKey = `whsec_${randomBytes(32).toString('base64')}`;
    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    receiver.behave('/fails', { kind: 'status', status: 500 });
    receiver.behave('/gone', { kind: 'status', status: 410 });
    const relay = await startRelay({
      // Loopback allowed, so the attempts really reach the receiver (2xx, 500, 410 paths).
      config: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hookline-log-fields-')), allowNetworks: '127.0.0.0/8' },
      logger: pino({ level: 'trace' }, sink),
      credentials: { adminToken, masterKey: randomBytes(32), adminTokenSource: 'test' },
      startDispatcher: false,
    });
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${relay.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => (await r.json()) as Record<string, unknown>);
    const good = createTestDelivery({ type: 'session.status_idled', key: sourceKey });
    const forged = createTestDelivery({
      type: 'session.status_idled',
      key: `whsec_${randomBytes(32).toString('base64')}`,
    });
    let deliveryId: string | undefined;
    try {
      await api('POST', '/v1/sources', { name: 'p', keys: [sourceKey] });
      for (const path of ['/ok', '/fails', '/gone']) await api('POST', '/v1/destinations', { url: receiver.url(path) });
      await fetch(`${relay.url}/ingest/p`, { method: 'POST', headers: good.headers, body: good.body });
      await fetch(`${relay.url}/ingest/p`, { method: 'POST', headers: forged.headers, body: forged.body });
      await relay.dispatcher.drain();
      deliveryId = ((await api('GET', '/v1/deliveries')).data as { id: string }[])[0]?.id;
      await relay.store.close();
      await api('GET', `/v1/deliveries/${deliveryId}`);
    } finally {
      await relay.stop();
      await receiver.stop();
    }

    const mentioning = (value: string) => lines.filter((line) => JSON.stringify(line).includes(value));
    // The lines this test relies on exist, so the checks below cannot pass vacuously.
    expect(mentioning(good.id).length).toBeGreaterThanOrEqual(2); // accepted + failed attempts
    expect(receiver.received.length).toBe(3); // one attempt reached each destination
    expect(mentioning(forged.id)).toHaveLength(1); // refused at ingress
    expect(mentioning(deliveryId as string).some((line) => line.msg === 'database unavailable')).toBe(true);
    for (const line of lines) {
      const text = JSON.stringify(line);
      for (const [prefix, field] of Object.entries(ID_FIELDS)) {
        for (const id of text.match(new RegExp(`${prefix}[A-Za-z0-9]+`, 'g')) ?? []) {
          expect(line[field], `${field} of ${text}`).toBe(id);
        }
      }
    }
  });
});
