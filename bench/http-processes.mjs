// The server processes of `npm run bench:http` (see http-servers.mjs) and the signed deliveries
// sent to them: shared by the bench and its smoke test, so what the test checks is what is timed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sign } from '@hookline/webhooks';
import { KEY, VERIFYING } from './http-servers.mjs';

const serverScript = new URL('./http-servers.mjs', import.meta.url).pathname;

const template = (id) =>
  `{"id":"${id}","created_at":"2026-03-15T10:00:00Z","data":{"id":"sesn_011CZkZAtmR3yMPDzynEDxu7","organization_id":"org_011CZkZZAe0sMna4vkBdtrfx","type":"session.status_idled","workspace_id":"wrkspc_011CZkZaBF1tNoB5wlCeusgy"},"type":"event"}`;

let counter = 0;
/** A new signed delivery with a unique id. */
export function delivery() {
  const id = `whe_${process.pid.toString(16).padStart(8, '0')}${(counter++).toString(16).padStart(24, '0')}`;
  const body = template(id);
  return { body, headers: { ...sign({ id, body, key: KEY }), 'content-type': 'application/json' } };
}

/** Starts one server in its own process, on `core` when given (taskset). */
export async function startServer(target, { core } = {}) {
  const command =
    core === undefined
      ? [process.execPath, [serverScript, target]]
      : ['taskset', ['-c', String(core), process.execPath, serverScript, target]];
  const child = spawn(command[0], command[1], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error(`${target} did not start`);
  return { url: `http://127.0.0.1:${first.value.trim()}/webhooks`, child, lines };
}

/**
 * Stops a server; returns its CPU µs per request over the timed window, and how busy its core
 * was (CPU time over wall time; the window ends at SIGTERM, just after the load).
 */
export async function stopServer({ child, lines }) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const report = await lines.next();
  await exited;
  if (report.done) return {};
  const { cpuUs, wallUs, served } = JSON.parse(report.value);
  return { cpu: served > 0 ? cpuUs / served : undefined, busy: wallUs > 0 ? cpuUs / wallUs : undefined };
}

/**
 * Refuses to time a server that does not do its job: a good delivery must get 204, and a forged
 * one 400 from every server that verifies (the floors answer 204 to anything).
 */
export async function checkBehaviour(target, url) {
  const good = delivery();
  const ok = await fetch(url, { method: 'POST', body: good.body, headers: good.headers });
  const forged = delivery();
  forged.headers['webhook-signature'] = good.headers['webhook-signature'];
  const bad = await fetch(url, { method: 'POST', body: forged.body, headers: forged.headers });
  const expectedBad = VERIFYING.has(target) ? 400 : 204;
  if (ok.status !== 204 || bad.status !== expectedBad) {
    throw new Error(`${target}: expected 204/${expectedBad}, got ${ok.status}/${bad.status}`);
  }
}
