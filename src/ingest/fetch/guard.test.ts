import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, fetchResource, FetchError, type FetchOptions } from './fetch.js';
import {
  addressRefusal,
  AddressRefusedError,
  guardedLookup,
  isAddressAllowed,
  NO_PRIVATE_ADDRESSES,
  parseAllowList,
  type AddressAllowList,
} from './guard.js';
import { canListen, testServers } from './testdata/servers.js';

const servers = testServers();
afterEach(() => servers.closeAll());
const ipv6Loopback = await canListen('::1');
// Linux routes all of 127/8 to lo; elsewhere 127.0.0.2 may not exist.
const secondLoopback = await canListen('127.0.0.2');

describe('parseAllowList', () => {
  it('parses addresses and CIDR ranges, a bare address meaning /32 or /128', () => {
    const list = parseAllowList('127.0.0.1/32,::1/128, 10.0.0.0/8  192.168.1.7');
    expect(list.map((e) => [e.address.toString(), e.prefix])).toEqual([
      ['127.0.0.1', 32],
      ['::1', 128],
      ['10.0.0.0', 8],
      ['192.168.1.7', 32],
    ]);
    expect(parseAllowList(['fd00::/8', ' 100.64.0.0/10 ']).map((e) => e.text)).toEqual(['fd00::/8', '100.64.0.0/10']);
    expect(parseAllowList('')).toEqual([]);
    expect(parseAllowList(' , ')).toEqual([]);
  });

  it('reads an IPv4-mapped entry as the IPv4 address', () => {
    const [entry] = parseAllowList('::ffff:127.0.0.1');
    expect([entry!.address.kind(), entry!.address.toString(), entry!.prefix]).toEqual(['ipv4', '127.0.0.1', 32]);
  });

  it.each(['10.0.0.300', '10.0.0.0/33', '::1/129', 'localhost', '010.0.0.1', '0x7f.1', '2130706433', '10.0.0.1/8/1', '10.0.0.0/', '10.0.0.0/-1', '1.2.3.4/x'])(
    'refuses %s, naming it',
    (bad) => {
      expect(() => parseAllowList(`127.0.0.1, ${bad}`)).toThrow(
        new Error(`fetch: allowPrivateAddresses: "${bad}" is not an address or CIDR range`),
      );
    },
  );
});

describe('isAddressAllowed', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.5.5.5', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::7f00:1', 'NAT64 form of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 form of link-local'],
    ['64:ff9b:1::1', 'NAT64 local-use'],
    ['2002:7f00:1::', '6to4 form of loopback'],
    ['::ffff:0:7f00:1', 'IPv4-translated form of loopback'],
    ['::7f00:1', 'IPv4-compatible'],
    ['2001:db8::1', 'reserved'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s) by default', (ip, reason) => {
    expect(addressRefusal(ip, NO_PRIVATE_ADDRESSES)).toBe(reason);
    expect(isAddressAllowed(ip, NO_PRIVATE_ADDRESSES)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows public %s',
    (ip) => expect(isAddressAllowed(ip, NO_PRIVATE_ADDRESSES)).toBe(true),
  );

  it('allows what the list names, in both IPv4 and IPv4-mapped form', () => {
    const allow = parseAllowList('127.0.0.0/8,::1');
    expect(isAddressAllowed('127.0.0.1', allow)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', allow)).toBe(true);
    expect(isAddressAllowed('::1', allow)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', allow)).toBe(false);
    expect(isAddressAllowed('::2', parseAllowList('::1'))).toBe(false);
  });

  it('opens a metadata address only to an entry naming that single address', () => {
    expect(isAddressAllowed('169.254.169.254', parseAllowList('169.254.0.0/16'))).toBe(false);
    expect(isAddressAllowed('169.254.1.1', parseAllowList('169.254.0.0/16'))).toBe(true);
    expect(isAddressAllowed('169.254.169.254', parseAllowList('169.254.169.254'))).toBe(true);
    expect(isAddressAllowed('fd00:ec2::254', parseAllowList('fd00::/8'))).toBe(false);
    expect(isAddressAllowed('100.100.100.200', parseAllowList('100.64.0.0/10'))).toBe(false);
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, allow: AddressAllowList, all: boolean) =>
    new Promise<unknown>((resolve, reject) =>
      guardedLookup(allow)(host, { all }, (err, address) => (err ? reject(err) : resolve(address))),
    );

  it('refuses a name that resolves to loopback, in both lookup shapes', async () => {
    for (const all of [true, false]) {
      const err = await lookup('localhost', NO_PRIVATE_ADDRESSES, all).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AddressRefusedError);
      expect((err as AddressRefusedError).detail).toMatch(/^host localhost resolves to (127\.0\.0\.1|::1), not a public address \(loopback\)/);
    }
  });

  it('answers with the checked addresses when allowed', async () => {
    const allow = parseAllowList('127.0.0.0/8,::1');
    expect(await lookup('localhost', allow, true)).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
    expect(await lookup('localhost', allow, false)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('fetchResource through the guard', () => {
  const opts = (allow: AddressAllowList): FetchOptions => ({
    userAgent: DEFAULT_USER_AGENT,
    allowPrivate: allow,
    connectTimeoutMs: 300,
    totalTimeoutMs: 2000,
  });
  const refused = async (url: string, allow = NO_PRIVATE_ADDRESSES) => {
    const err = await fetchResource(url, opts(allow)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).code).toBe('JARIDA_FETCH_PRIVATE_ADDRESS');
    return (err as FetchError).message;
  };

  it.each([
    ['http://127.0.0.1:PORT/feed', 'host 127.0.0.1 is not a public address (loopback)'],
    ['http://localhost:PORT/feed', 'host localhost resolves to'],
    ['http://2130706433:PORT/feed', 'host 127.0.0.1 is'],
    ['http://0x7f.1:PORT/feed', 'host 127.0.0.1 is'],
    ['http://0177.0.0.1:PORT/feed', 'host 127.0.0.1 is'],
    ['http://[::ffff:127.0.0.1]:PORT/feed', 'host [::ffff:7f00:1] is not a public address (loopback)'],
  ])('refuses %s without connecting', async (pattern, words) => {
    const s = await servers.http((_req, res) => res.end('secret'));
    const url = pattern.replace('PORT', String(s.port));
    const message = await refused(url);
    expect(message).toMatch(/^fetch: http:\/\/\S+\/feed: host /);
    expect(message).toContain(words);
    expect(message).toContain('add it to allowPrivateAddresses');
    expect(s.connections).toBe(0);
  });

  it.runIf(ipv6Loopback)('refuses [::1] without connecting', async () => {
    const s = await servers.http((_req, res) => res.end('secret'), '::1');
    expect(await refused(`http://[::1]:${s.port}/`)).toContain('host [::1] is not a public address (loopback)');
    expect(s.connections).toBe(0);
  });

  it.each(['http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://100.100.100.200/', 'http://0.0.0.0:1/'])(
    'refuses %s at once',
    async (url) => {
      const started = Date.now();
      await refused(url);
      expect(Date.now() - started).toBeLessThan(200);
    },
  );

  it('fetches a loopback address the allow list names, by literal, numeric form or name', async () => {
    const s = await servers.http((_req, res) => res.end('ok'));
    const allow = parseAllowList('127.0.0.1/32');
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1']) {
      const r = await fetchResource(`http://${host}:${s.port}/`, opts(allow));
      expect(Buffer.from(r.bytes).toString()).toBe('ok');
    }
    const byName = await fetchResource(`http://localhost:${s.port}/`, opts(parseAllowList('127.0.0.0/8,::1')));
    expect(byName.status).toBe(200);
  });

  it.runIf(secondLoopback)('refuses a redirect from an allowed host to a loopback address that is not allowed', async () => {
    const target = await servers.http((_req, res) => res.end('secret'));
    const first = await servers.http((req, res) => {
      const to = req.url === '/by-name' ? `http://localhost:${target.port}/` : `http://127.0.0.1:${target.port}/`;
      res.writeHead(302, { location: to }).end();
    }, '127.0.0.2');
    const allow = parseAllowList('127.0.0.2/32');
    const message = await refused(`${first.origin}/feed`, allow);
    expect(message).toBe(
      `fetch: http://127.0.0.1:${target.port}/: host 127.0.0.1 is not a public address (loopback); ` +
        `add it to allowPrivateAddresses to fetch it (redirected from ${first.origin}/feed)`,
    );
    expect(await refused(`${first.origin}/by-name`, allow)).toContain('host localhost resolves to');
    expect(first.connections).toBe(2);
    expect(target.connections).toBe(0);
    // The narrow entry does not open its neighbours either.
    await refused(`${first.origin}/feed`, parseAllowList('127.0.0.1/32'));

    const both = await fetchResource(`${first.origin}/feed`, opts(parseAllowList('127.0.0.1/32,127.0.0.2/32')));
    expect(Buffer.from(both.bytes).toString()).toBe('secret');
  });
});
