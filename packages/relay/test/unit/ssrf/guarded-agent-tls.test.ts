import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { buildConnector, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowNetworks } from '../../../src/ssrf/allow-networks.js';
import { createGuardedAgent } from '../../../src/ssrf/guarded-agent.js';
import { watchOutsideConnections } from './loopback-only.js';
import { scriptedResolver } from './stub-resolver.js';

// A throwaway self-signed certificate for secure.hookline.test, made for this test only
// (openssl req -x509 -newkey ec ... -subj /CN=secure.hookline.test, 100 years).
const cert = readFileSync(new URL('./fixtures/secure-hookline-test.crt', import.meta.url));
const key = readFileSync(new URL('./fixtures/secure-hookline-test.key', import.meta.url));

let server: Server;
let port: number;
const sni: (string | false | null)[] = [];

beforeAll(async () => {
  server = createServer({ cert, key }, (req, res) => res.end(req.headers.host));
  server.on('secureConnection', (socket) => sni.push(socket.servername));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

const watch = watchOutsideConnections();

afterAll(async () => {
  watch.stop();
  server.close();
  await once(server, 'close');
  expect(watch.outside).toEqual([]);
});

describe('createGuardedAgent over TLS to a loopback server', () => {
  // undici's own connector, trusting the test certificate: the real TLS path, with a real
  // handshake against 127.0.0.1 (the address the guard checked).
  const connect = buildConnector({ ca: cert });
  const resolve = scriptedResolver({
    'secure.hookline.test': [['127.0.0.1']],
    'other.hookline.test': [['127.0.0.1']],
  });
  const allow = parseAllowNetworks('127.0.0.0/8');

  it('sends the URL host as SNI, verifies the certificate against it, and sets Host', async () => {
    const agent = createGuardedAgent({ allow, resolve, connect });
    try {
      const response = await request(`https://secure.hookline.test:${port}/`, { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe(`secure.hookline.test:${port}`);
      expect(sni.at(-1)).toBe('secure.hookline.test');
    } finally {
      await agent.close();
    }
  });

  it('fails certificate verification for a host the certificate does not name, though the address is the same', async () => {
    const agent = createGuardedAgent({ allow, resolve, connect });
    try {
      await expect(request(`https://other.hookline.test:${port}/`, { dispatcher: agent })).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    } finally {
      await agent.close();
    }
  });
});
