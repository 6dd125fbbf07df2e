import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DestinationAddressRefusedError } from '../../../src/ssrf/address-refused-error.js';
import { isAddressAllowed, parseAllowNetworks } from '../../../src/ssrf/allow-networks.js';
import { checkDestination } from '../../../src/ssrf/check-destination.js';
import { classifyAddress } from '../../../src/ssrf/classify-address.js';
import { scriptedResolver } from './stub-resolver.js';

async function refusal(promise: Promise<unknown>): Promise<DestinationAddressRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DestinationAddressRefusedError);
  return error as DestinationAddressRefusedError;
}

describe('checkDestination', () => {
  it('takes an IP literal as is, without resolving it', async () => {
    const resolve = scriptedResolver({});
    await expect(checkDestination('93.184.216.34', { resolve })).resolves.toEqual(['93.184.216.34']);
    await expect(checkDestination('[2606:2800:220:1::1]', { resolve })).resolves.toEqual(['2606:2800:220:1::1']);
    expect(resolve.calls).toEqual([]);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['[fd00:ec2::254]', 'metadata'],
    ['10.0.0.8', 'private'],
  ])('refuses the literal %s (%s)', async (host, range) => {
    const error = await refusal(checkDestination(host));
    expect(error.range).toBe(range);
    expect(error.hostname).toBe(error.address);
  });

  it('refuses a host whose every answer is internal, with a message an operator can act on', async () => {
    const resolve = scriptedResolver({ 'hooks.example': [['10.0.0.5', 'fd00::5']] });
    const error = await refusal(checkDestination('hooks.example', { resolve }));
    expect(error).toMatchObject({
      hostname: 'hooks.example',
      address: '10.0.0.5',
      range: 'private',
      network: '10.0.0.0/8',
      code: 'HOOKLINE_ADDRESS_REFUSED',
      errorClass: 'address_refused',
    });
    expect(error.message).toBe(
      'Refused to connect to hooks.example: it resolves to 10.0.0.5, which is in 10.0.0.0/8: a private network (RFC 1918). ' +
        'The relay does not deliver to loopback, private, link-local, metadata or other internal addresses unless ' +
        'allowed; if this destination is intended, add "10.0.0.0/8" or "hooks.example" to HOOKLINE_ALLOW_NETWORKS.',
    );
  });

  it('drops refused answers and keeps the public ones, in order', async () => {
    const resolve = scriptedResolver({ mixed: [['127.0.0.1', '93.184.216.34', '169.254.169.254', '2606:2800::1']] });
    await expect(checkDestination('mixed', { resolve })).resolves.toEqual(['93.184.216.34', '2606:2800::1']);
  });

  it('allows a refused address inside an allowlisted network, and only that network', async () => {
    const resolve = scriptedResolver({ localhost: [['::1', '127.0.0.1']], db: [['10.0.0.9']] });
    const allow = parseAllowNetworks('127.0.0.0/8');
    await expect(checkDestination('localhost', { resolve, allow })).resolves.toEqual(['127.0.0.1']);
    await expect(checkDestination('127.0.0.1', { allow })).resolves.toEqual(['127.0.0.1']);
    expect((await refusal(checkDestination('db', { resolve, allow }))).range).toBe('private');
    expect((await refusal(checkDestination('::1', { allow }))).range).toBe('loopback');
  });

  it('allows every answer of an allowlisted host name', async () => {
    const resolve = scriptedResolver({ 'hooks.internal': [['10.0.0.5', '::1']], 'other.internal': [['10.0.0.6']] });
    const allow = parseAllowNetworks('hooks.internal');
    await expect(checkDestination('hooks.internal', { resolve, allow })).resolves.toEqual(['10.0.0.5', '::1']);
    await refusal(checkDestination('other.internal', { resolve, allow }));
  });

  it('does not let a host name allowlist exempt an IP literal', async () => {
    const allow = parseAllowNetworks('hooks.internal');
    await refusal(checkDestination('10.0.0.5', { allow }));
  });

  it('passes resolver failures through, and an empty answer is ENOTFOUND', async () => {
    const resolve = scriptedResolver({ empty: [[]] });
    await expect(checkDestination('missing', { resolve })).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(checkDestination('empty', { resolve })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('fails like a connect timeout when the resolver never answers within resolveTimeoutMs', async () => {
    const resolve = () => new Promise<never>(() => undefined);
    await expect(checkDestination('slow', { resolve, resolveTimeoutMs: 5 })).rejects.toMatchObject({
      code: 'UND_ERR_CONNECT_TIMEOUT',
    });
  });
});

describe('checkDestination (property)', () => {
  const special = fc.constantFrom(
    '127.0.0.1',
    '10.1.2.3',
    '169.254.169.254',
    '100.64.0.1',
    '::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '64:ff9b::a00:1',
    '2002:7f00:1::1',
    '192.168.0.1',
  );
  const random = fc.oneof(fc.ipV4(), fc.ipV6());
  const allowEntries = fc.subarray(['127.0.0.0/8', '10.0.0.0/8', '::1', 'fc00::/7', '169.254.0.0/16']);

  it('returns only addresses it was given that are public or allowed, and refuses only when none is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(special, random), { minLength: 1, maxLength: 6 }),
        allowEntries,
        async (answers, entries) => {
          const allow = parseAllowNetworks(entries.join(','));
          const resolve = scriptedResolver({ 'dest.example': [answers] });
          const usable = answers.filter((a) => !classifyAddress(a).blocked || isAddressAllowed(allow, a));
          const result = await checkDestination('dest.example', { resolve, allow }).catch((e: unknown) => e);
          if (usable.length === 0) expect(result).toBeInstanceOf(DestinationAddressRefusedError);
          else expect(result).toEqual(usable);
        },
      ),
    );
  });
});
