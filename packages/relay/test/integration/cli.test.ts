// `runRelayCommand` as the CLI calls it, and the relay as a process: embedded credentials,
// startup output, readiness and graceful shutdown.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRelayCommand, startRelay } from '@hookline/relay';
import { createTestDelivery } from '@hookline/webhooks/testing';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TestReceiver } from '../helpers/receiver.js';

// What `npm start` runs (after building), so the root script is tested too.
const START = fileURLToPath(new URL('../../../../scripts/start.mjs', import.meta.url));

function capture() {
  const lines: string[] = [];
  return { lines, out: (line: string) => lines.push(line), text: () => lines.join('\n') };
}

describe('runRelayCommand', () => {
  it('prints help and exits 0; a bad flag exits 2 with the reason', async () => {
    const help = capture();
    expect(await runRelayCommand(['--help'], { out: help.out })).toBe(0);
    expect(help.text()).toMatch(/--database-url/);
    const bad = capture();
    expect(await runRelayCommand(['--port', 'many'], { err: bad.out, env: {} })).toBe(2);
    expect(bad.text()).toMatch(/--port must be a non-negative number/);
    const unknown = capture();
    expect(await runRelayCommand(['frobnicate'], { err: unknown.out, env: {} })).toBe(2);
    expect(unknown.text()).toMatch(/unknown command "frobnicate"/);
  });

  it('refuses a malformed ANTHROPIC_WEBHOOK_SIGNING_KEY at start, without echoing it', async () => {
    const err = capture();
    const env = {
      ANTHROPIC_WEBHOOK_SIGNING_KEY: 'whsec_not*base64*secret',
      HOOKLINE_ADMIN_TOKEN: 't',
      HOOKLINE_MASTER_KEY: randomBytes(32).toString('hex'),
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-badkey-'));
    expect(await runRelayCommand(['--port', '0', '--data-dir', dataDir], { err: err.out, env })).toBe(2);
    expect(err.text()).toMatch(/ANTHROPIC_WEBHOOK_SIGNING_KEY is not usable/);
    expect(err.text()).not.toContain('not*base64*secret');
  });

  it('requires a shared admin token and master key with PostgreSQL', async () => {
    const err = capture();
    const code = await runRelayCommand(['--database-url', 'postgres://127.0.0.1:1/none'], { err: err.out, env: {} });
    expect(code).toBe(2);
    expect(err.text()).toMatch(/HOOKLINE_ADMIN_TOKEN/);
  });

  it('runs as a process via scripts/start.mjs (npm start): generates credentials (0600), prints where they are, stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOOKLINE_LOG_LEVEL: 'error' };
    delete env.HOOKLINE_ADMIN_TOKEN;
    delete env.HOOKLINE_MASTER_KEY;
    const child = spawn(process.execPath, [START, '--port', '0', '--data-dir', dataDir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    while (!/admin token: /.test(stdout)) {
      if (child.exitCode !== null) throw new Error('relay exited early');
      await once(child.stdout, 'data');
    }
    const url = /listening on (http:\/\/[^ ]+)/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(`${url}/ingest/<source>`);
    expect(stdout).toContain(`${url}/v1`);
    expect(stdout).toContain(join(dataDir, 'admin-token'));
    for (const file of ['admin-token', 'master-key']) expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(stdout).not.toContain(token);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/v1/destinations`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('releases the lease of an attempt that does not finish in time, and the next start delivers it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-shutdown-'));
    const credentials = { adminToken: 'hla_t', masterKey: randomBytes(32), adminTokenSource: 'test' };
    const key = `whsec_${randomBytes(32).toString('base64')}`;
    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    receiver.behave('/slow', { kind: 'hang' });
    const config = {
      port: 0,
      dataDir,
      anthropicSigningKey: key,
      shutdownTimeoutMs: 100,
      pollIntervalMs: 20,
      allowNetworks: '127.0.0.0/8', // the receiver is on loopback
    };
    const logger = pino({ level: 'silent' });
    try {
      const first = await startRelay({ config, credentials, logger });
      const headers = { authorization: 'Bearer hla_t', 'content-type': 'application/json' };
      const created = await fetch(`${first.url}/v1/destinations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: receiver.url('/slow') }),
      });
      receiver.trust('/slow', 'secret', ((await created.json()) as { secret: string }).secret);
      const delivery = createTestDelivery({ type: 'session.status_idled', key });
      expect(
        (
          await fetch(`${first.url}/ingest/anthropic`, {
            method: 'POST',
            headers: delivery.headers,
            body: delivery.body,
          })
        ).status,
      ).toBe(200);
      while (receiver.at('/slow').length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await first.stop();

      const db = new Database(join(dataDir, 'relay.db'), { readonly: true });
      const row = db.prepare('SELECT status, lease_owner, attempt_count FROM deliveries').get();
      db.close();
      expect(row).toEqual({ status: 'pending', lease_owner: null, attempt_count: 0 });

      receiver.behave('/slow', { kind: 'ok' });
      const second = await startRelay({ config, credentials, logger });
      try {
        while (receiver.at('/slow').length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(receiver.at('/slow')[1]?.verifiedWith).toEqual(['secret']);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.stop();
    }
  });
});

describe('a master key that does not match the stored secrets', () => {
  it('refuses ingress with a clear 500 instead of crashing or leaking anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-masterkey-'));
    const logger = pino({ level: 'silent' });
    const config = { port: 0, dataDir };
    const key = `whsec_${randomBytes(32).toString('base64')}`;
    const first = await startRelay({
      config,
      logger,
      credentials: { adminToken: 'hla_t', masterKey: randomBytes(32), adminTokenSource: 't' },
    });
    const headers = { authorization: 'Bearer hla_t', 'content-type': 'application/json' };
    await fetch(`${first.url}/v1/sources`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'p', keys: [key] }),
    });
    await first.stop();
    const second = await startRelay({
      config,
      logger,
      credentials: { adminToken: 'hla_t', masterKey: randomBytes(32), adminTokenSource: 't' },
    });
    try {
      const delivery = createTestDelivery({ type: 'session.status_idled', key });
      const response = await fetch(`${second.url}/ingest/p`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'source_misconfigured' } });
      expect(text).toMatch(/HOOKLINE_MASTER_KEY/);
      expect(text).not.toContain(key.slice(6));
    } finally {
      await second.stop();
    }
  });
});

describe('the SQLite data directory', () => {
  it('belongs to one relay process at a time; a second start says why it cannot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-lock-'));
    const logger = pino({ level: 'silent' });
    const credentials = { adminToken: 'hla_t', masterKey: randomBytes(32), adminTokenSource: 't' };
    const first = await startRelay({ config: { port: 0, dataDir }, logger, credentials });
    try {
      await expect(startRelay({ config: { port: 0, dataDir }, logger, credentials })).rejects.toThrow(
        /pid \d+.*only one process/,
      );
    } finally {
      await first.stop();
    }
    const again = await startRelay({ config: { port: 0, dataDir }, logger, credentials });
    await again.stop();
  });
});
