/**
 * IP addresses and CIDR ranges for IpAddress / NotIpAddress (`aws:SourceIp`). IAM takes standard CIDR
 * notation for IPv4 and IPv6 ("203.0.113.0/24", "2001:DB8:1234:5678::/64"); an address without a
 * prefix means /32 (IPv4) or /128 (IPv6). Addresses are held as four 32-bit words (IPv4 in the first),
 * so a containment test is a few integer comparisons.
 *
 * A request address in IPv4-mapped IPv6 form (`::ffff:192.0.2.1`, what a dual-stack Node socket
 * reports for an IPv4 peer) is read as the IPv4 address, so IPv4 ranges match it.
 */

export interface IpAddr {
  readonly v6: boolean;
  /** IPv4: one word; IPv6: four words, most significant first. */
  readonly words: readonly number[];
}

export interface Cidr {
  readonly v6: boolean;
  readonly words: readonly number[];
  readonly prefix: number;
}

function parseV4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

function parseV6(input: string): number[] | undefined {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const groups: number[] = [];
  // An embedded IPv4 tail ("::ffff:1.2.3.4") is two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) {
    if (head.length !== 8) return undefined;
    groups.push(...head);
  } else {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups.push(...head, ...new Array<number>(fill).fill(0), ...tail);
  }
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(groups[i]! * 0x10000 + groups[i + 1]!);
  return words;
}

/** Parse an address; undefined when it is not one. IPv4-mapped IPv6 comes back as IPv4. */
export function parseIp(s: string): IpAddr | undefined {
  const t = s.trim();
  if (!t.includes(':')) {
    const v4 = parseV4(t);
    return v4 === undefined ? undefined : { v6: false, words: [v4] };
  }
  const words = parseV6(t);
  if (!words) return undefined;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { v6: false, words: [words[3]!] };
  return { v6: true, words };
}

/** Parse "a.b.c.d/n", "x::y/n" or a bare address. Undefined when invalid. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const t = addr.trim();
  // A policy's IPv6 range stays IPv6 even in ::ffff: form; only request addresses are unmapped.
  let v6: boolean;
  let words: number[] | undefined;
  if (t.includes(':')) {
    v6 = true;
    words = parseV6(t);
  } else {
    v6 = false;
    const v4 = parseV4(t);
    words = v4 === undefined ? undefined : [v4];
  }
  if (!words) return undefined;
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { v6, words, prefix };
}

/** Whether the address lies in the range (an IPv4 address never lies in an IPv6 range, and back). */
export function cidrContains(c: Cidr, a: IpAddr): boolean {
  if (c.v6 !== a.v6) return false;
  let bits = c.prefix;
  for (let i = 0; i < c.words.length && bits > 0; i++) {
    const take = Math.min(32, bits);
    // Compare the top `take` bits of the 32-bit word (>>> keeps the arithmetic unsigned; take is
    // 1..32, so the shift is 0..31).
    const shift = 32 - take;
    if (c.words[i]! >>> shift !== a.words[i]! >>> shift) return false;
    bits -= take;
  }
  return true;
}
