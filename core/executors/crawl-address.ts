/**
 * Which hosts the crawler may reach. Addresses are classified from their
 * numeric form (IPv4, IPv6, and IPv6 forms that carry an IPv4 address), so a
 * name, a decimal or hex literal and a mapped address all land in the same bucket.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, isIPv4 } from 'node:net';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'shared'
  | 'multicast'
  | 'reserved';

/** Resolves a host name to its addresses (all of them: any one may be used to connect). */
export type LookupFn = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const descriptions: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address',
  shared: 'a shared (carrier-grade NAT) address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/** "a loopback address", "a private address" … for refusals. */
export function describeClass(c: Exclude<AddressClass, 'public'>): string {
  return descriptions[c];
}

function parseIPv4(s: string): number | null {
  if (!isIPv4(s)) return null;
  const parts = s.split('.').map(Number);
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
}

function inV4(ip: number, base: string, bits: number): boolean {
  const b = parseIPv4(base) as number;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((b & mask) >>> 0);
}

function classifyV4(ip: number): AddressClass {
  if (inV4(ip, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(ip, '127.0.0.0', 8)) return 'loopback';
  if (inV4(ip, '10.0.0.0', 8) || inV4(ip, '172.16.0.0', 12) || inV4(ip, '192.168.0.0', 16)) return 'private';
  if (inV4(ip, '169.254.0.0', 16)) return 'link-local';
  if (inV4(ip, '100.64.0.0', 10)) return 'shared';
  if (inV4(ip, '224.0.0.0', 4)) return 'multicast';
  if (inV4(ip, '240.0.0.0', 4) || inV4(ip, '192.0.0.0', 24) || inV4(ip, '198.18.0.0', 15)) return 'reserved';
  return 'public';
}

/** Eight 16-bit groups, or null when `s` is not an IPv6 address. A zone (%eth0) is ignored. */
export function parseIPv6(input: string): number[] | null {
  const s = input.split('%')[0] as string;
  if (isIP(s) !== 6) return null;
  let text = s;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // a trailing dotted quad fills the last two groups
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    text = s.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const want = 8 - tail.length;
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  if (text.includes('::')) {
    const [l, r] = text.split('::') as [string, string];
    const left = parse(l);
    const right = parse(r);
    if (left.length + right.length > want) return null;
    groups = [...left, ...new Array<number>(want - left.length - right.length).fill(0), ...right];
  } else {
    groups = parse(text);
  }
  if (groups.length !== want) return null;
  const all = [...groups, ...tail];
  return all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : null;
}

function classifyV6(g: number[]): AddressClass {
  const embedded = (hi: number, lo: number): AddressClass => classifyV4((((hi << 16) | lo) >>> 0) as number);
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the old "compatible" form)
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return embedded(g[6]!, g[7]!);
  // 64:ff9b::a.b.c.d (NAT64) reaches the embedded IPv4 address
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g[6]!, g[7]!);
  // 2002:aabb:ccdd::/48 (6to4) routes to aa.bb.cc.dd
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!);
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** Classifies a numeric IPv4 or IPv6 address; null when `ip` is not one. */
export function classifyAddress(ip: string): AddressClass | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = parseIPv4(bare);
  if (v4 !== null) return classifyV4(v4);
  const v6 = parseIPv6(bare);
  return v6 ? classifyV6(v6) : null;
}

/** localhost and *.localhost always mean this machine (RFC 6761), whatever DNS says. */
export function isLoopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '';
}

function normalizeEntry(entry: string): string {
  let e = entry.trim().toLowerCase();
  if (e.includes('://')) {
    try {
      const u = new URL(e);
      e = u.port ? u.host : u.hostname;
    } catch {
      return e;
    }
  }
  return e.replace(/\/+$/, '');
}

/**
 * Whether `url`'s host is listed in crawl_policy.allowed_hosts: the bare host
 * (any port) or host:port. IPv6 hosts match with or without brackets.
 */
export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const port = url.port || defaultPort(url.protocol);
  const candidates = new Set([hostname, bare, `${hostname}:${port}`]);
  if (url.port) candidates.add(url.host.toLowerCase());
  return allowedHosts.some((entry) => candidates.has(normalizeEntry(entry)));
}
