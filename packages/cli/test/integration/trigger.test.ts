import { generateSecret } from '@hookline/webhooks/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  failingReceiver,
  type Receiver,
  redirectingReceiver,
  verifiesWithReference,
  verifyingReceiver,
} from './helpers/receivers.js';
import { runCli } from './helpers/run-cli.js';

const key = generateSecret();
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('hookline trigger', () => {
  it('sends one realistic signed event of the type and shows the status', async () => {
    receiver = await verifyingReceiver(key);
    const result = await runCli(['trigger', 'vault_credential.refresh_failed', '--to', receiver.url, '--key', key]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ 204 in \d+ ms/);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(verifiesWithReference(key, request!)).toBe(true);
    const event = JSON.parse(request!.body);
    expect(event.data.type).toBe('vault_credential.refresh_failed');
    expect(event.data.id).toMatch(/^vcrd_011C/);
    expect(event.data.vault_id).toMatch(/^vlt_011C/);
    expect(event.id).toBe(request!.headers['webhook-id']);
  });

  it('reads the key from ANTHROPIC_WEBHOOK_SIGNING_KEY and applies --set', async () => {
    receiver = await verifyingReceiver(key);
    const result = await runCli(
      [
        'trigger',
        'session.status_idled',
        '--to',
        receiver.url,
        '--set',
        'data.id=sesn_011CZkZAtmR3yMPDzynEDxu7',
        '--set',
        'data.extra.n=3',
        '--json',
      ],
      { env: { ANTHROPIC_WEBHOOK_SIGNING_KEY: key } },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 204, type: 'session.status_idled' });
    const event = JSON.parse(receiver.requests[0]!.body);
    expect(event.data.id).toBe('sesn_011CZkZAtmR3yMPDzynEDxu7');
    expect(event.data.extra).toEqual({ n: 3 });
  });

  it('exits 1 on a non-2xx answer and warns that a 3xx disables the endpoint', async () => {
    receiver = await redirectingReceiver();
    const redirect = await runCli(['trigger', 'session.status_idled', '--to', receiver.url, '--key', key]);
    expect(redirect.code).toBe(1);
    expect(redirect.stdout).toContain('301');
    expect(redirect.stdout).toContain('a 3xx disables the endpoint');
    expect(receiver.requests).toHaveLength(1); // not followed
    await receiver.close();
    receiver = await failingReceiver();
    const failing = await runCli(['trigger', 'session.status_idled', '--to', receiver.url, '--key', key]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('✗ 500');
  });

  it('suggests the closest type for a typo and sends nothing', async () => {
    const result = await runCli(['trigger', 'session.status_idle', '--to', 'http://127.0.0.1:9/', '--key', key]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean session.status_idled');
  });

  it('explains how to get a key when there is none', async () => {
    const result = await runCli(['trigger', 'session.status_idled', '--to', 'http://127.0.0.1:9/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ANTHROPIC_WEBHOOK_SIGNING_KEY');
    expect(result.stderr).toContain('hookline secret generate');
  });
});
