import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, verifiesWithReference, verifyingReceiver } from './helpers/receivers.js';
import { runCli, startCli } from './helpers/run-cli.js';

const key = generateSecret();
const READY = /Listening on (http:\/\/\S+)/;
let cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function listen(...args: string[]) {
  const cli = startCli(['listen', '--port', '0', '--key', key, ...args], READY);
  cleanup.push(cli.stop);
  const [, url] = await cli.started;
  return { cli, url: url! };
}

async function deliver(url: string, delivery: { body: string; headers: Record<string, string> }) {
  const response = await fetch(url, {
    method: 'POST',
    body: delivery.body,
    headers: delivery.headers,
    redirect: 'manual',
  });
  return response.status;
}

async function linesOf(cli: ReturnType<typeof startCli>, count: number): Promise<string[]> {
  // The line is written after the answer is sent; wait for it rather than for a fixed time.
  for (;;) {
    const lines = cli.output().stdout.split('\n').filter(Boolean);
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('hookline listen', () => {
  it('verifies each delivery, prints one line per event and marks a repeated id', async () => {
    const { cli, url } = await listen('--path', '/webhooks');
    const delivery = createTestDelivery({ type: 'session.thread_idled', key });
    expect(await deliver(`${url}`, delivery)).toBe(204);
    expect(await deliver(`${url}`, delivery)).toBe(204);
    const forged = createTestDelivery({ type: 'session.status_idled', key: generateSecret() });
    expect(await deliver(url, forged)).toBe(400);
    expect(await deliver(url.replace('/webhooks', '/other'), delivery)).toBe(404);
    const [first, second, third] = await linesOf(cli, 3);
    expect(first).toContain('session.thread_idled');
    expect(first).toContain(String(delivery.event.data.id));
    expect(first).toContain(`session_thread_id=${delivery.event.data.session_thread_id}`);
    expect(first).toContain('✓ verified');
    expect(first).not.toContain('[duplicate]');
    expect(second).toContain('[duplicate]');
    expect(third).toContain('✗ rejected: No matching signature found');
  });

  it('prints NDJSON with --json', async () => {
    const { cli, url } = await listen('--json');
    const delivery = createTestDelivery({ type: 'vault.created', key });
    await deliver(url, delivery);
    const [line] = await linesOf(cli, 1);
    expect(JSON.parse(line!)).toMatchObject({
      id: delivery.id,
      type: 'vault.created',
      verified: true,
      duplicate: false,
      status: 204,
      error: null,
    });
  });

  it('forwards the original bytes and headers and shows the app status', async () => {
    const app: Receiver = await verifyingReceiver(key);
    cleanup.push(app.close);
    const { cli, url } = await listen('--forward-to', app.url);
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    expect(await deliver(url, delivery)).toBe(204);
    expect(app.requests).toHaveLength(1);
    expect(app.requests[0]!.body).toBe(delivery.body);
    expect(verifiesWithReference(key, app.requests[0]!)).toBe(true);
    const [line] = await linesOf(cli, 1);
    expect(line).toMatch(/→ 204 in \d+ ms/);
  });

  it('survives hookline simulate end to end', async () => {
    const { url } = await listen();
    const result = await runCli([
      'simulate',
      '--to',
      url,
      '--key',
      key,
      '--sessions',
      '4',
      '--time-scale',
      '0.001',
      '--forged',
      '0.5',
      '--seed',
      'listen',
    ]);
    expect(result.stdout).toContain('PASS');
    expect(result.code).toBe(0);
  });

  it('says how to get a key when there is none', async () => {
    const result = await runCli(['listen', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hookline secret generate');
  });
});
