import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

// The canonical Standard Webhooks v1 vector (every reference library tests against it).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const key = generateSecret();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-verify-'));
});

async function capture(
  name: string,
  delivery: { body: string; headers: Record<string, string> },
  body = delivery.body,
) {
  const headersFile = join(dir, `${name}.headers`);
  const bodyFile = join(dir, `${name}.json`);
  await writeFile(
    headersFile,
    Object.entries(delivery.headers)
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n'),
  );
  await writeFile(bodyFile, body);
  return { headersFile, bodyFile };
}

describe('hookline sign', () => {
  it('reproduces the reference vector', async () => {
    const result = await runCli(
      ['sign', '--key', VECTOR.secret, '--id', VECTOR.id, '--timestamp', VECTOR.timestamp, '-'],
      {
        input: VECTOR.payload,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `webhook-id: ${VECTOR.id}\nwebhook-timestamp: ${VECTOR.timestamp}\nwebhook-signature: ${VECTOR.signature}\n`,
    );
  });

  it('takes the id from the body and prints a curl command', async () => {
    const { bodyFile } = await capture('curl', createTestDelivery({ type: 'session.status_idled', key }));
    const result = await runCli(['sign', '--key', key, bodyFile, '--curl', 'http://127.0.0.1:9/webhooks']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^curl -sS -X POST http:\/\/127\.0\.0\.1:9\/webhooks /);
    expect(result.stdout).toMatch(/-H 'webhook-id: whe_[0-9a-f]{32}'/);
    expect(result.stdout).toContain("--data-binary '{");
  });
});

describe('hookline verify', () => {
  it('exits 0 for a valid capture and names the key that matched', async () => {
    const { headersFile, bodyFile } = await capture('valid', createTestDelivery({ type: 'session.status_idled', key }));
    const result = await runCli([
      'verify',
      '--key',
      generateSecret(),
      '--key',
      key,
      '--headers-file',
      headersFile,
      bodyFile,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ valid: signed with key #2 (v1)');
  });

  it('proves a trailing newline was added after signing', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    const { headersFile, bodyFile } = await capture('newline', delivery, `${delivery.body}\n`);
    const result = await runCli(['verify', '--key', key, '--headers-file', headersFile, bodyFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ends with a newline');
    expect(result.stdout).toContain('without that change the signature matches');
  });

  it('proves a pretty-printed body was re-serialised', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    const { headersFile, bodyFile } = await capture(
      'pretty',
      delivery,
      JSON.stringify(JSON.parse(delivery.body), null, 2),
    );
    const result = await runCli(['verify', '--key', key, '--headers-file', headersFile, bodyFile, '--json']);
    expect(result.code).toBe(1);
    const diagnosis = JSON.parse(result.stdout);
    expect(diagnosis.code).toBe('no_matching_signature');
    expect(diagnosis.findings[0]).toContain('re-serialised');
  });

  it('reports clock skew with the delta, and that the signature itself is right', async () => {
    const signedAt = Math.floor(Date.now() / 1000) - 3600;
    const delivery = createTestDelivery({ type: 'session.status_idled', key, timestamp: signedAt });
    const { headersFile, bodyFile } = await capture('stale', delivery);
    const result = await runCli(['verify', '--key', key, '--headers-file', headersFile, bodyFile, '--json']);
    expect(result.code).toBe(1);
    const diagnosis = JSON.parse(result.stdout);
    expect(diagnosis.code).toBe('timestamp_too_old');
    expect(diagnosis.ageSeconds).toBeGreaterThanOrEqual(3600);
    expect(diagnosis.matchedKey).toBe(1);
    expect(diagnosis.findings.join(' ')).toContain('--tolerance off');
    const ignoring = await runCli([
      'verify',
      '--key',
      key,
      '--headers-file',
      headersFile,
      bodyFile,
      '--tolerance',
      'off',
    ]);
    expect(ignoring.code).toBe(0);
  });

  it('says which header is missing and when no key matched', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    const { bodyFile } = await capture('missing', delivery);
    const missing = await runCli(['verify', '--key', key, '-H', `webhook-id: ${delivery.id}`, bodyFile]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('missing webhook-timestamp, webhook-signature');
    const { headersFile } = await capture('wrong', delivery);
    const wrong = await runCli([
      'verify',
      '--key',
      generateSecret(),
      '--key',
      generateSecret(),
      '--headers-file',
      headersFile,
      bodyFile,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('none of the 2 keys matches');
  });

  it('names an unsupported signature version', async () => {
    const delivery = createTestDelivery({ type: 'session.status_idled', key });
    const headers = {
      ...delivery.headers,
      'webhook-signature': delivery.headers['webhook-signature'].replace('v1,', 'v2,'),
    };
    const { headersFile, bodyFile } = await capture('v2', { ...delivery, headers });
    const result = await runCli(['verify', '--key', key, '--headers-file', headersFile, bodyFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('versions seen: v2');
  });

  it('exits 2 for a malformed key without echoing it', async () => {
    const { headersFile, bodyFile } = await capture(
      'badkey',
      createTestDelivery({ type: 'session.status_idled', key }),
    );
    const result = await runCli(['verify', '--key', 'whsec_!!!secret!!!', '--headers-file', headersFile, bodyFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('malformed');
    expect(result.stderr).not.toContain('!!!secret!!!');
  });
});
