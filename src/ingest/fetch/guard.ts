/**
 * The private-address guard: a feed URL may not reach loopback, private, link-local, metadata or
 * other non-public addresses unless the operator allows them. The check runs inside the socket's
 * DNS lookup, so the address checked is the address connected to (no DNS-rebinding window), and on
 * IP-literal hosts before any connection (Node skips the lookup for those).
 */
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { FetchError } from './errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One allow-list entry: an address range, and the text it was parsed from. */
export interface AllowEntry {
  readonly text: string;
  readonly address: Address;
  readonly prefix: number;
}

/** Addresses and CIDR ranges the operator lets fetches reach although they are not public. */
export type AddressAllowList = readonly AllowEntry[];

/** An allow list that allows nothing beyond public addresses. */
export const NO_PRIVATE_ADDRESSES: AddressAllowList = Object.freeze([]);

/**
 * Cloud metadata endpoints (AWS/GCP/Azure/OCI, AWS IPv6, Alibaba, ECS task credentials). A broad
 * range such as 169.254.0.0/16 does not open these: only an entry naming the single address does.
 */
const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '169.254.170.2'].map((a) =>
  ipaddr.parse(a),
);

const RANGE_LABELS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  rfc6052: 'NAT64 local-use',
  teredo: 'Teredo',
  deprecatedSiteLocal: 'site-local',
};

/**
 * Returns the allow list parsed from `'127.0.0.1/32,::1/128'` (commas or spaces) or an array of
 * entries; a bare address means /32 or /128. Throws an Error naming the first bad entry.
 * @example parseAllowList('10.0.0.0/8, ::1') // two entries
 */
export function parseAllowList(spec: string | readonly string[]): AddressAllowList {
  const texts = (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  return Object.freeze(texts.map(parseEntry));
}

function parseEntry(text: string): AllowEntry {
  const bad = () => new Error(`fetch: allowPrivateAddresses: "${text}" is not an address or CIDR range`);
  const [addressText = '', prefixText, extra] = text.split('/');
  if (extra !== undefined) throw bad();
  // Only canonical IPv4 (no octal/hex/short forms) so an entry means what it looks like.
  let address: Address;
  if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) address = ipaddr.IPv4.parse(addressText);
  else if (addressText.includes(':') && ipaddr.IPv6.isValid(addressText)) address = ipaddr.IPv6.parse(addressText);
  else throw bad();
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw bad();
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw bad();
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && prefix >= 96) {
    address = address.toIPv4Address();
    prefix -= 96;
  }
  return Object.freeze({ text, address, prefix });
}

/** Returns true when `ip` may be fetched: a public address, or one in the allow list. */
export function isAddressAllowed(ip: string, allow: AddressAllowList): boolean {
  return addressRefusal(ip, allow) === null;
}

/** Returns why `ip` may not be fetched (e.g. `'loopback'`), or null when it may. */
export function addressRefusal(ip: string, allow: AddressAllowList): string | null {
  let address: Address;
  try {
    address = unmap(ipaddr.parse(ip.replace(/^\[(.*)\]$/, '$1')));
  } catch {
    return 'not an IP address';
  }
  const inList = (exactOnly: boolean) =>
    allow.some(
      (e) =>
        e.address.kind() === address.kind() &&
        (!exactOnly || e.prefix === (address.kind() === 'ipv4' ? 32 : 128)) &&
        address.match(e.address, e.prefix),
    );
  if (METADATA_ADDRESSES.some((m) => m.kind() === address.kind() && address.match(m, m.kind() === 'ipv4' ? 32 : 128))) {
    return inList(true) ? null : 'cloud metadata';
  }
  if (inList(false)) return null;
  return nonPublicKind(address);
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address for every purpose here. */
function unmap(address: Address): Address {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

function nonPublicKind(address: Address): string | null {
  const range: string = address.range();
  if (address instanceof ipaddr.IPv4) return range === 'unicast' ? null : (RANGE_LABELS[range] ?? range);
  const p = address.parts;
  const embedded = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const via = (label: string, v4: ipaddr.IPv4) => {
    const kind = nonPublicKind(v4);
    return kind === null ? null : `${label} form of ${kind}`;
  };
  // Forms that carry an IPv4 address: judged by the address they lead to.
  if (range === 'rfc6145') return via('IPv4-translated', embedded(p[6]!, p[7]!));
  if (range === 'rfc6052' && p[2] === 0) return via('NAT64', embedded(p[6]!, p[7]!));
  if (range === '6to4') return via('6to4', embedded(p[1]!, p[2]!));
  if (range === 'unicast') {
    // ::a.b.c.d (deprecated IPv4-compatible) is not in ipaddr's table.
    return p.slice(0, 6).every((x) => x === 0) ? 'IPv4-compatible' : null;
  }
  return RANGE_LABELS[range] ?? range;
}

/** The guard's refusal, raised in the connect lookup or before connecting; fetchResource adds the URL. */
export class AddressRefusedError extends FetchError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super('JARIDA_FETCH_PRIVATE_ADDRESS', `fetch: ${describeRefusal(host, address, reason)}`);
    this.name = 'AddressRefusedError';
  }

  /** Returns the message without the `fetch: ` prefix, for wrapping with a URL. */
  get detail(): string {
    return describeRefusal(this.host, this.address, this.reason);
  }
}

function describeRefusal(host: string, address: string, reason: string): string {
  const literal = host.replace(/^\[(.*)\]$/, '$1') === address;
  const what = literal ? `host ${host} is` : `host ${host} resolves to ${address},`;
  return `${what} not a public address (${reason}); add it to allowPrivateAddresses to fetch it`;
}

/** Throws AddressRefusedError when `hostname` (as a WHATWG URL gives it) is a refused IP literal. */
export function assertLiteralHostAllowed(hostname: string, allow: AddressAllowList): void {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 0) return;
  const reason = addressRefusal(bare, allow);
  if (reason !== null) throw new AddressRefusedError(hostname, bare, reason);
}

/**
 * Returns a `net.connect` lookup that resolves with `dns.lookup(host, { all: true })` and fails
 * with AddressRefusedError when any resolved address is refused.
 */
export function guardedLookup(allow: AddressAllowList): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const reason = addressRefusal(address, allow);
        if (reason !== null) return callback(new AddressRefusedError(hostname, address, reason), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
