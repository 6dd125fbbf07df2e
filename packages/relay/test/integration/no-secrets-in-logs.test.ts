// Secrets never reach the logs: a relay logging at `trace` goes through sources, destinations,
// rotation, failing and succeeding deliveries, refused ingress, /metrics scrapes and a lost
// database, and none of the keys, signing secrets, header values, admin token or master key
// appears in its output.
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

describe('logs', () => {
  it('never contain a secret', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += chunk;
        done();
      },
    });
    const masterKey = randomBytes(32);
    const adminToken = `hla_${randomBytes(16).toString('hex')}`;
    const sourceKey = `whsec_${randomBytes(32).toString('base64')}`;
    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    receiver.behave('/fails', { kind: 'status', status: 500, body: 'nope' });
    receiver.behave('/gone', { kind: 'status', status: 410 });
    const relay = await startRelay({
      config: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hookline-logs-')), allowNetworks: '127.0.0.0/8' },
      logger: pino({ level: 'trace' }, sink),
      credentials: { adminToken, masterKey, adminTokenSource: 'test' },
      startDispatcher: false,
    });
    const api = async (method: string, path: string, body?: unknown) =>
      (await fetch(`${relay.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json())) as Record<string, string>;
    const secrets = [
      sourceKey,
      adminToken,
      masterKey.toString('hex'),
      masterKey.toString('base64'),
      'header-credential-123',
    ];
    try {
      await api('POST', '/v1/sources', { name: 'p', keys: [sourceKey] });
      for (const path of ['/ok', '/fails', '/gone']) {
        const created = await api('POST', '/v1/destinations', {
          url: receiver.url(path),
          headers: { 'x-token': 'header-credential-123' },
        });
        secrets.push(created.secret as string);
        const rotated = await api('POST', `/v1/destinations/${created.id}/rotate-secret`, {});
        secrets.push(rotated.secret as string);
      }
      const good = createTestDelivery({ type: 'session.status_idled', key: sourceKey });
      await fetch(`${relay.url}/ingest/p`, { method: 'POST', headers: good.headers, body: good.body });
      const forged = createTestDelivery({
        type: 'session.status_idled',
        key: `whsec_${randomBytes(32).toString('base64')}`,
      });
      await fetch(`${relay.url}/ingest/p`, { method: 'POST', headers: forged.headers, body: forged.body });
      await fetch(`${relay.url}/v1/events`, { headers: { authorization: 'Bearer wrong' } });
      await relay.dispatcher.drain();
      await fetch(`${relay.url}/metrics`);
      const [firstDelivery] = ((await api('GET', '/v1/deliveries')) as unknown as { data: { id: string }[] }).data;
      await relay.store.close();
      await fetch(`${relay.url}/ingest/p`, { method: 'POST', headers: good.headers, body: good.body });
      await api('GET', '/v1/destinations');
      await api('GET', `/v1/deliveries/${firstDelivery?.id}`);
      await fetch(`${relay.url}/metrics`);
    } finally {
      await relay.stop();
      await receiver.stop();
    }
    expect(output).toMatch(/attempt failed/);
    expect(output).toMatch(/ingress refused a delivery/);
    expect(output).toMatch(/database/);
    expect(output).toMatch(/event accepted/);
    expect(output).toMatch(/reading queue state for \/metrics failed/);
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.replace(/^whsec_/, ''));
    }
  });
});
