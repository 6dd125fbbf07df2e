// npm run bench: unwrap (verify + parse + validate) against the official SDK, the reference
// standardwebhooks library and a plain node:crypto baseline, on a small and a 64 KB payload.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { sign, unwrap, unwrapAsync } from '@hookline/webhooks';
import { Webhook } from 'standardwebhooks';
import { compare, machine } from './harness.mjs';

const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secret = Buffer.from(key.slice(6), 'base64');
const client = new Anthropic({ apiKey: 'bench', webhookKey: key });
const reference = new Webhook(key);

// The SDK's example payload (about 250 bytes) and a 64 KB one (a padded session event).
const small =
  '{"id":"whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0","created_at":"2026-03-15T10:00:00Z","data":{"id":"sesn_011CZkZAtmR3yMPDzynEDxu7","organization_id":"org_011CZkZZAe0sMna4vkBdtrfx","type":"session.status_idled","workspace_id":"wrkspc_011CZkZaBF1tNoB5wlCeusgy"},"type":"event"}';
const padding = 'x'.repeat(64 * 1024 - small.length - 20);
const large = `${small.slice(0, -1)},"padding":"${padding}"}`;

/** What a careful user writes with node:crypto alone: the floor to beat. */
function plainBaseline(body, headers) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest();
  const given = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  return JSON.parse(body);
}

function candidates(body) {
  const headers = sign({ id: 'whe_0f1e2d3c4b5a69788796a5b4c3d2e1f0', body, key });
  // Each candidate must accept the delivery before it is timed.
  unwrap(body, { headers, key });
  reference.verify(body, headers);
  client.beta.webhooks.unwrap(body, { headers });
  plainBaseline(body, headers);
  return [
    { name: 'hookline unwrap', fn: () => unwrap(body, { headers, key }) },
    { name: 'hookline unwrapAsync', fn: () => unwrapAsync(body, { headers, key }), isAsync: true },
    { name: 'standardwebhooks verify', fn: () => reference.verify(body, headers) },
    { name: '@anthropic-ai/sdk unwrap', fn: () => client.beta.webhooks.unwrap(body, { headers }) },
    { name: 'node:crypto baseline', fn: () => plainBaseline(body, headers) },
  ];
}

const format = (n) => Math.round(n).toLocaleString('en-US');
console.log(`machine: ${machine()}`);
for (const [label, body] of [
  [`small (${small.length} B)`, small],
  [`64 KB (${large.length} B)`, large],
]) {
  const results = await compare(candidates(body), { rounds: body === small ? 5 : 3 });
  const ours = results.get('hookline unwrap');
  console.log(`\n${label}`);
  console.log('| candidate | ops/s | hookline unwrap is |');
  console.log('| --- | ---: | ---: |');
  for (const [name, ops] of results) {
    console.log(`| ${name} | ${format(ops)} | ${name === 'hookline unwrap' ? '—' : `${(ours / ops).toFixed(2)}×`} |`);
  }
}
