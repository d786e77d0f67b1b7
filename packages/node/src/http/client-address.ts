import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which proxies to believe about the client's address:
 * - `false` (default): none; the socket's peer address is the client;
 * - `true`: every hop; the left-most forwarded address wins. Only safe when the server is reachable
 *   solely through a proxy that *replaces* the header, since clients can prepend anything;
 * - a list of proxy addresses, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or the names `loopback`,
 *   `linklocal`, `uniquelocal`: the forwarded chain is walked from the socket inwards and the first
 *   address not in the list is the client. The recommended form.
 */
export type TrustProxy = boolean | readonly string[];

/** Options of {@link clientAddress}. */
export interface ClientAddressOptions {
  /** The socket's peer address (`req.socket.remoteAddress`); undefined once the socket is gone. */
  remoteAddress: string | undefined;
  /** Which proxies to believe (default: none). */
  trustProxy?: TrustProxy | undefined;
  /**
   * The header the trusted proxies append to (default `x-forwarded-for`). Only one is read: a proxy
   * appends to its own header and passes the other through from the client untouched, so reading both
   * would let a client forge its address.
   */
  header?: 'x-forwarded-for' | 'forwarded' | undefined;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const compiled = new WeakMap<readonly string[], readonly Range[]>();

function compileTrustList(list: readonly string[]): readonly Range[] {
  const cached = compiled.get(list);
  if (cached !== undefined) return cached;
  const ranges: Range[] = [];
  for (const entry of list) {
    for (const item of NAMED_RANGES[entry] ?? [entry]) {
      const slash = item.indexOf('/');
      const address = slash === -1 ? item : item.slice(0, slash);
      if (isIP(address) === 0 || (slash !== -1 && !ipaddr.isValidCIDR(item))) {
        throw new TypeError(`trustProxy: "${entry}" is not an IP address, a CIDR range or a known name`);
      }
      const parsed = ipaddr.process(address);
      const bits =
        slash === -1 ? (parsed.kind() === 'ipv4' ? 32 : 128) : ipaddr.parseCIDR(item)[1] - mappedOffset(item);
      ranges.push([parsed, bits]);
    }
  }
  compiled.set(list, ranges);
  return ranges;
}

// `::ffff:10.0.0.0/104` is processed to the IPv4 address 10.0.0.0, so its prefix loses the 96 bits
// of the mapping prefix.
function mappedOffset(cidr: string): number {
  const parsed = ipaddr.parseCIDR(cidr)[0];
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? 96 : 0;
}

/** Parses one address of a forwarded chain (ports and brackets stripped), or null when it is not an IP. */
function parseAddress(raw: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed !== null) value = bracketed[1] as string;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  if (isIP(value) === 0) return null;
  return ipaddr.process(value);
}

function format(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

function isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly Range[]): boolean {
  return ranges.some(([base, bits]) => address.kind() === base.kind() && address.match(base, bits));
}

/** Splits on a delimiter outside double-quoted strings (RFC 7239 values may quote `,` and `;`). */
function splitOutsideQuotes(value: string, delimiter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (quoted && char === '\\') {
      current += char + (value[i + 1] ?? '');
      i++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === delimiter && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** The `for=` value of each RFC 7239 element, client first; '' for an element without one. */
function forwardedFor(header: string): string[] {
  return splitOutsideQuotes(header, ',').map((element) => {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const eq = pair.indexOf('=');
      if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
      const value = pair.slice(eq + 1).trim();
      return value.startsWith('"') && value.endsWith('"') && value.length >= 2
        ? value.slice(1, -1).replace(/\\(.)/g, '$1')
        : value;
    }
    return '';
  });
}

/**
 * The address of the client that sent a request, for rate limits and logs.
 *
 * Forwarding headers are read only when `trustProxy` says so: otherwise a client could claim any
 * address by sending `X-Forwarded-For` itself. The chain is walked from the socket towards the client,
 * stepping over trusted proxies only; a hop that is not an IP address (`unknown`, an obfuscated RFC 7239
 * identifier) stops the walk at the last known address. Returns the normalized address (IPv4-mapped
 * IPv6 shown as IPv4), or `undefined` when the socket's address is unknown.
 */
export function clientAddress(request: Request, options: ClientAddressOptions): string | undefined {
  const { remoteAddress, trustProxy = false, header = 'x-forwarded-for' } = options;
  if (remoteAddress === undefined) return undefined;
  const socket = parseAddress(remoteAddress);
  if (socket === null) return remoteAddress;
  if (trustProxy === false) return format(socket);

  const ranges = trustProxy === true ? null : compileTrustList(trustProxy);
  const value = request.headers.get(header);
  if (value === null) return format(socket);
  const hops = header === 'forwarded' ? forwardedFor(value) : value.split(',');

  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (ranges !== null && !isTrusted(client, ranges)) break;
    const next = parseAddress(hops[i] as string);
    if (next === null) break;
    client = next;
  }
  return format(client);
}
