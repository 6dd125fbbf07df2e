// The SSRF guard in the dispatcher, once per database. DNS answers come from a stub resolver
// and every checked address goes to a connect hook that records it, then connects to the
// loopback receiver: no test here ever opens a connection outside 127.0.0.0/8 and ::1 (a
// socket watcher fails the suite if one is even attempted).
import { connect as netConnect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorOptions } from '../../src/ssrf/guarded-connector.js';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';
import { TestClock } from '../helpers/test-clock.js';
import { watchOutsideConnections } from '../unit/ssrf/loopback-only.js';
import { scriptedResolver } from '../unit/ssrf/stub-resolver.js';

const variants = await databaseVariants('ssrf_dispatch');
const watch = watchOutsideConnections();

describe.each(variants)('SSRF guard in delivery on $name', (variant) => {
  let h: Harness | undefined;
  let receiver: TestReceiver;
  let port: number;

  beforeAll(async () => {
    receiver = await new TestReceiver(new TestClock()).start();
    port = Number(new URL(receiver.url('/')).port);
  });
  afterAll(async () => {
    await receiver.stop();
    await variant.cleanup();
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  /** Records each checked address, then connects to the loopback receiver whatever was asked. */
  function loopbackConnect(): Connector & { calls: ConnectorOptions[] } {
    const calls: ConnectorOptions[] = [];
    const connect: Connector = (options, callback) => {
      calls.push(options);
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    };
    return Object.assign(connect, { calls });
  }

  // A fresh resolver per relay: the rebinding host answers differently on each lookup.
  const resolver = () =>
    scriptedResolver({
      'hooks.example.com': [['93.184.216.34']],
      'internal.example.com': [['10.1.2.3']],
      'metadata.example.com': [['169.254.169.254']],
      'mixed.example.com': [['10.0.0.7', '93.184.216.35']],
      'rebind.example.com': [['93.184.216.36'], ['127.0.0.1']],
    });

  async function start(allowNetworks: string | undefined) {
    const connect = loopbackConnect();
    h = await startHarness(variant, {
      config: { allowNetworks },
      ssrf: { resolve: resolver(), connect },
    });
    receiver.clock = h.clock;
    return { relay: h, connect, key: await h.source('platform') };
  }

  async function attemptsFor(relay: Harness, url: string) {
    const created = await relay.api('POST', '/v1/destinations', { url });
    expect(created.status).toBe(201);
    receiver.trust(new URL(url).pathname, 'current', created.body.secret);
    return async () => {
      const [delivery] = (await relay.api('GET', `/v1/deliveries?destination_id=${created.body.id}`)).body.data;
      return { delivery, attempts: (await relay.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data };
    };
  }

  it('refuses internal addresses (resolved or literal), records why, and retries on the schedule', async () => {
    const { relay, connect, key } = await start(undefined);
    const cases = [
      { url: 'http://internal.example.com/a', address: '10.1.2.3', network: '10.0.0.0/8' },
      { url: 'http://metadata.example.com/b', address: '169.254.169.254', network: '169.254.169.254/32' },
      { url: 'http://169.254.169.254/latest/meta-data', address: '169.254.169.254', network: '169.254.169.254/32' },
      { url: `http://127.0.0.1:${port}/loopback`, address: '127.0.0.1', network: '127.0.0.0/8' },
      { url: `http://[::1]:${port}/v6-loopback`, address: '::1', network: '::1/128' },
      { url: `http://[::ffff:10.0.0.1]:${port}/mapped`, address: '::ffff:a00:1', network: '10.0.0.0/8' },
    ];
    const reads = [];
    for (const c of cases) reads.push(await attemptsFor(relay, c.url));
    await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();

    expect(connect.calls).toEqual([]);
    expect(receiver.received).toHaveLength(0);
    for (const [index, read] of reads.entries()) {
      const { delivery, attempts } = await read();
      expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1 });
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ error_class: 'address_refused', status_code: null, outcome: 'retry' });
      expect(attempts[0].error_message).toContain(cases[index]?.address);
      expect(attempts[0].error_message).toContain('HOOKLINE_ALLOW_NETWORKS');
    }
    const metrics = await (await fetch(`${relay.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/hookline_delivery_attempts_total\{destination="dst_[^"]+",outcome="refused"\} 1/);
  });

  it('connects to the checked public address only, and never to an internal one a host also has', async () => {
    const { relay, connect, key } = await start(undefined);
    const publicHost = await attemptsFor(relay, 'http://hooks.example.com/public');
    const mixed = await attemptsFor(relay, 'http://mixed.example.com/mixed');
    receiver.behave('/public', { kind: 'ok' });
    receiver.behave('/mixed', { kind: 'ok' });
    await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();

    expect(connect.calls.map((c) => [c.hostname, c.servername ?? null]).sort()).toEqual([
      ['93.184.216.34', 'hooks.example.com'],
      ['93.184.216.35', 'mixed.example.com'],
    ]);
    expect((await publicHost()).delivery.status).toBe('delivered');
    expect((await mixed()).delivery.status).toBe('delivered');
    expect(receiver.at('/public')[0]?.headers.host).toBe('hooks.example.com');
    expect(receiver.at('/public')[0]?.verifiedWith).toEqual(['current']);
  });

  it('checks a rebinding answer again on every new connection', async () => {
    const { relay, connect, key } = await start(undefined);
    const read = await attemptsFor(relay, 'http://rebind.example.com/rebind');
    // `connection: close` makes the retry open a new connection, so the host is resolved again.
    receiver.behave('/rebind', { kind: 'status', status: 500, headers: { connection: 'close' } });
    await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    relay.clock.advance(5_000);
    await relay.relay.dispatcher.drain();

    const { attempts } = await read();
    expect(
      attempts.map((a: { status_code: number | null; error_class: string }) => [a.status_code, a.error_class]),
    ).toEqual([
      [500, 'http_status'],
      [null, 'address_refused'],
    ]);
    expect(connect.calls.map((c) => c.hostname)).toEqual(['93.184.216.36']);
    expect(receiver.at('/rebind')).toHaveLength(1);
  });

  it('warns at create and update when an address-literal URL will be refused', async () => {
    const { relay } = await start('127.0.0.0/8');
    const metadata = await relay.api('POST', '/v1/destinations', { url: 'http://169.254.169.254/latest' });
    expect(metadata.status).toBe(201);
    expect(metadata.body.warnings).toEqual([expect.stringContaining('HOOKLINE_ALLOW_NETWORKS')]);
    const local = await relay.api('POST', '/v1/destinations', { url: `http://127.0.0.1:${port}/fine` });
    expect(local.body.warnings).toBeUndefined();
    const named = await relay.api('POST', '/v1/destinations', { url: 'http://internal.example.com/x' });
    expect(named.body.warnings).toBeUndefined(); // host names are judged when delivering
    const moved = await relay.api('PATCH', `/v1/destinations/${local.body.id}`, { url: 'http://[fd00:ec2::254]/' });
    expect(moved.body.warnings).toEqual([expect.stringContaining('fd00:ec2::254')]);
  });

  it('allows what HOOKLINE_ALLOW_NETWORKS lists', async () => {
    const { relay, connect, key } = await start('10.0.0.0/8, 127.0.0.0/8');
    const internal = await attemptsFor(relay, 'http://internal.example.com/internal');
    const local = await attemptsFor(relay, `http://127.0.0.1:${port}/local`);
    const metadata = await attemptsFor(relay, 'http://metadata.example.com/meta');
    receiver.behave('/internal', { kind: 'ok' });
    receiver.behave('/local', { kind: 'ok' });
    await relay.ingest('platform', key, 'session.status_idled');
    await relay.relay.dispatcher.drain();
    expect((await internal()).delivery.status).toBe('delivered');
    expect((await local()).delivery.status).toBe('delivered');
    expect((await metadata()).attempts[0]).toMatchObject({ error_class: 'address_refused' });
    expect(connect.calls.map((c) => c.hostname).sort()).toEqual(['10.1.2.3', '127.0.0.1']);
  });
});

describe('HOOKLINE_ALLOW_NETWORKS', () => {
  it('a malformed entry stops the start with a message that names it', async () => {
    const [variant] = variants;
    await expect(
      startHarness(variant!, { config: { allowNetworks: '10.0.0.0/8, https://hooks.internal' } }),
    ).rejects.toThrow(/"https:\/\/hooks\.internal" is a URL/);
    await expect(startHarness(variant!, { config: { allowNetworks: '10.0.0.0/33' } })).rejects.toMatchObject({
      name: 'RelayConfigError',
    });
  });
});

afterAll(() => {
  watch.stop();
  expect(watch.outside).toEqual([]);
});
