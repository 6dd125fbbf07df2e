import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DestinationAddressRefusedError } from '../../../src/ssrf/address-refused-error.js';
import { parseAllowNetworks } from '../../../src/ssrf/allow-networks.js';
import { createGuardedAgent } from '../../../src/ssrf/guarded-agent.js';
import type { Connector, ConnectorOptions } from '../../../src/ssrf/guarded-connector.js';
import { watchOutsideConnections } from './loopback-only.js';
import { scriptedResolver } from './stub-resolver.js';

// No test here may open a connection outside 127.0.0.0/8 and ::1. Every other address goes to a
// connect hook that records it and then either fails or connects to the loopback server below.

let server: Server;
let port: number;
let connections = 0;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    // A new connection per request, so every request runs the connector (and the resolver) again.
    res.writeHead(200, { connection: 'close', 'content-type': 'text/plain' }).end('ok');
  });
  server.on('connection', () => connections++);
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

afterEach(() => {
  seen.length = 0;
  connections = 0;
});

/** Records each call; refuses to connect anywhere. */
function recordingConnect(): Connector & { calls: ConnectorOptions[] } {
  const calls: ConnectorOptions[] = [];
  const connect: Connector = (options, callback) => {
    calls.push(options);
    callback(Object.assign(new Error(`recorded ${options.hostname}, not connected`), { code: 'ECONNREFUSED' }), null);
  };
  return Object.assign(connect, { calls });
}

/** Records each call, then connects to the loopback test server whatever address was asked for. */
function loopbackConnect(failFirst = 0): Connector & { calls: ConnectorOptions[] } {
  const calls: ConnectorOptions[] = [];
  const connect: Connector = (options, callback) => {
    calls.push(options);
    if (calls.length <= failFirst) {
      callback(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null);
      return;
    }
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (error) => callback(error, null));
  };
  return Object.assign(connect, { calls });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('createGuardedAgent with a real loopback server', () => {
  it('delivers to 127.0.0.1 when 127.0.0.0/8 is allowlisted', async () => {
    const agent = createGuardedAgent({ allow: parseAllowNetworks('127.0.0.0/8'), connectTimeout: 2_000 });
    try {
      const response = await request(`http://127.0.0.1:${port}/hook`, {
        method: 'POST',
        body: '{}',
        dispatcher: agent,
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe('ok');
    } finally {
      await agent.close();
    }
  });

  it('refuses 127.0.0.1 when nothing is allowlisted, before any connection is opened', async () => {
    const agent = createGuardedAgent();
    try {
      const error = await failure(request(`http://127.0.0.1:${port}/hook`, { method: 'POST', dispatcher: agent }));
      expect(error).toBeInstanceOf(DestinationAddressRefusedError);
      expect(error).toMatchObject({ address: '127.0.0.1', range: 'loopback', network: '127.0.0.0/8' });
      expect(connections).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('resolves localhost with the system resolver by default', async () => {
    // localhost may answer ::1 first; the server listens on 127.0.0.1 only, so this also
    // exercises moving on to the next checked address.
    const agent = createGuardedAgent({ allow: parseAllowNetworks('127.0.0.0/8,::1') });
    try {
      const response = await request(`http://localhost:${port}/`, { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    } finally {
      await agent.close();
    }
  });

  it('resolves a host name with the injected resolver and connects to the loopback answer', async () => {
    const resolve = scriptedResolver({ 'hooks.local.test': [['::1', '127.0.0.1']] });
    const agent = createGuardedAgent({ allow: parseAllowNetworks('127.0.0.0/8'), resolve });
    try {
      const response = await request(`http://hooks.local.test:${port}/`, { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      // ::1 was dropped (not allowlisted), 127.0.0.1 used; the Host header still names the host.
      expect(seen[0]?.host).toBe(`hooks.local.test:${port}`);
    } finally {
      await agent.close();
    }
  });
});

describe('createGuardedAgent with a recording connect hook', () => {
  it('connects to the checked address and keeps Host from the URL', async () => {
    const resolve = scriptedResolver({ 'public.example': [['93.184.216.34']] });
    const connect = loopbackConnect();
    const agent = createGuardedAgent({ resolve, connect });
    try {
      const response = await request('http://public.example:8080/in', { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      expect(connect.calls).toHaveLength(1);
      expect(connect.calls[0]).toMatchObject({ hostname: '93.184.216.34', port: '8080', protocol: 'http:' });
      expect(seen[0]?.host).toBe('public.example:8080');
    } finally {
      await agent.close();
    }
  });

  it('passes the URL host as the TLS servername (SNI and certificate check) for https', async () => {
    const resolve = scriptedResolver({ 'secure.example': [['2606:2800:220:1::1']] });
    const connect = recordingConnect();
    const agent = createGuardedAgent({ resolve, connect });
    try {
      await failure(request('https://secure.example/in', { dispatcher: agent }));
      expect(connect.calls[0]).toMatchObject({
        hostname: '2606:2800:220:1::1',
        servername: 'secure.example',
        protocol: 'https:',
      });
    } finally {
      await agent.close();
    }
  });

  it('sets no servername for an IP-literal URL and checks the literal the same way', async () => {
    const connect = recordingConnect();
    const agent = createGuardedAgent({ connect, resolve: scriptedResolver({}) });
    try {
      await failure(request('https://[2606:2800:220:1::1]:8443/', { dispatcher: agent }));
      expect(connect.calls[0]?.hostname).toBe('2606:2800:220:1::1');
      expect(connect.calls[0]?.servername).toBeFalsy();
      const refused = await failure(request('http://[::ffff:a9fe:a9fe]/', { dispatcher: agent }));
      expect(refused).toMatchObject({ range: 'metadata', address: '::ffff:a9fe:a9fe' });
      expect(connect.calls).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });

  it('defeats DNS rebinding: each connection checks its own answer and connects only to it', async () => {
    const resolve = scriptedResolver({
      'rebind.example': [['93.184.216.34'], ['127.0.0.1'], ['169.254.169.254'], ['::ffff:10.0.0.1']],
    });
    const connect = loopbackConnect();
    const agent = createGuardedAgent({ resolve, connect });
    try {
      const first = await request('http://rebind.example/', { dispatcher: agent });
      expect(first.statusCode).toBe(200);
      await first.body.dump();
      const ranges: string[] = [];
      for (let i = 0; i < 3; i++) {
        const error = await failure(request('http://rebind.example/', { dispatcher: agent }));
        expect(error).toBeInstanceOf(DestinationAddressRefusedError);
        ranges.push((error as DestinationAddressRefusedError).range);
      }
      expect(ranges).toEqual(['loopback', 'metadata', 'private']);
      expect(resolve.calls).toHaveLength(4);
      expect(connect.calls.map((c) => c.hostname)).toEqual(['93.184.216.34']);
    } finally {
      await agent.close();
    }
  });

  it('resolves once per connection, so an answer that changes after the check is never used', async () => {
    // Public while checked, loopback on any later lookup: a guard that resolved twice (check,
    // then connect by name) would connect to 127.0.0.1.
    const resolve = scriptedResolver({ 'toctou.example': [['93.184.216.34'], ['127.0.0.1']] });
    const connect = recordingConnect();
    const agent = createGuardedAgent({ resolve, connect });
    try {
      await failure(request('http://toctou.example/', { dispatcher: agent }));
      expect(resolve.calls).toEqual(['toctou.example']);
      expect(connect.calls.map((c) => c.hostname)).toEqual(['93.184.216.34']);
    } finally {
      await agent.close();
    }
  });

  it('tries the next checked address when one fails to connect, never a refused one', async () => {
    const resolve = scriptedResolver({ multi: [['2606:2800:220:1::1', '10.0.0.1', '93.184.216.34']] });
    const connect = loopbackConnect(1);
    const agent = createGuardedAgent({ resolve, connect });
    try {
      const response = await request('http://multi/', { dispatcher: agent });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      expect(connect.calls.map((c) => c.hostname)).toEqual(['2606:2800:220:1::1', '93.184.216.34']);
    } finally {
      await agent.close();
    }
  });

  it('reports the last connection error when every checked address fails', async () => {
    const resolve = scriptedResolver({ down: [['93.184.216.34', '93.184.216.35']] });
    const connect = recordingConnect();
    const agent = createGuardedAgent({ resolve, connect });
    try {
      const error = await failure(request('http://down/', { dispatcher: agent }));
      expect(error.message).toBe('recorded 93.184.216.35, not connected');
      expect(connect.calls).toHaveLength(2);
    } finally {
      await agent.close();
    }
  });

  it('bounds a hanging lookup by the connect timeout', async () => {
    const connect = recordingConnect();
    const agent = createGuardedAgent({
      resolve: () => new Promise<never>(() => undefined),
      connect,
      connectTimeout: 5,
    });
    try {
      await expect(request('http://hanging-dns.example/', { dispatcher: agent })).rejects.toMatchObject({
        code: 'UND_ERR_CONNECT_TIMEOUT',
      });
      expect(connect.calls).toHaveLength(0);
    } finally {
      await agent.close();
    }
  });

  it('fails the request with the resolver error when the host does not resolve', async () => {
    const connect = recordingConnect();
    const agent = createGuardedAgent({ resolve: scriptedResolver({}), connect });
    try {
      await expect(request('http://nowhere.example/', { dispatcher: agent })).rejects.toMatchObject({
        code: 'ENOTFOUND',
      });
      expect(connect.calls).toHaveLength(0);
    } finally {
      await agent.close();
    }
  });
});
