import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { WebhookError } from './webhook.errors';

/** Resolves a host name to every address it has (the shape of `dns.promises.lookup(host, { all: true })`). */
export type WebhookHostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** Options of {@link assertDeliverableUrl}. */
export interface DeliverableUrlOptions {
  /**
   * Allow loopback, private and other non-public addresses. Only for development and tests, where the
   * receiver runs on the same machine or network. Default false.
   */
  allowPrivateNetworks?: boolean;
  /** Resolves host names. Default: the operating system's resolver (`dns.lookup`, all addresses). */
  resolve?: WebhookHostResolver;
  /** How long resolving may take before failing with `dns_failed`. Default 10 000 ms. */
  resolveTimeoutMs?: number;
}

const DEFAULT_RESOLVE_TIMEOUT_MS = 10_000;

/**
 * The range an address belongs to when webhooks must not reach it, or undefined for a public unicast
 * address. Anything ipaddr.js does not call `unicast` is refused: loopback, private, linkLocal (so
 * 169.254.169.254), uniqueLocal, carrierGradeNat, multicast, unspecified, broadcast, reserved, and the
 * IPv6 ranges that tunnel to IPv4 (6to4, Teredo, NAT64), whose real target cannot be judged here.
 * IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) IPv6 addresses are judged by the IPv4
 * address inside them, because that is where the kernel connects. Invalid text is refused as `invalid`.
 */
export function refusedAddressRange(address: string): string | undefined {
  // Zone ids (fe80::1%eth0) come back from resolvers; the address part decides.
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  if (!ipaddr.isValid(bare)) return 'invalid';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) {
      parsed = v6.toIPv4Address();
    } else {
      const parts = v6.parts;
      // ::a.b.c.d, the deprecated IPv4-compatible form; ::/128 and ::1 stay IPv6 (unspecified, loopback).
      if (parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1)) {
        const high = parts[6] ?? 0;
        const low = parts[7] ?? 0;
        parsed = new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
      }
    }
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

function refuse(host: string, address: string, range: string): WebhookError {
  const shown = host === address ? address : `${host} (${address})`;
  return new WebhookError(
    'address_not_allowed',
    `Webhooks may not be sent to ${shown}: it is a ${range} address. Set allowPrivateNetworks only for development.`,
    { address, range },
  );
}

/** The host of a URL without IPv6 brackets, and whether it is an IP literal. */
function hostOf(url: URL): { host: string; literal: boolean } {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, literal: ipaddr.isValid(host) };
}

/**
 * Parses and checks the parts of an endpoint URL that need no DNS: absolute, `http:` or `https:`, no
 * user name or password, and, when the host is an IP literal, an allowed address. Returns the parsed URL.
 * Throws a {@link WebhookError} (`invalid_url` or `address_not_allowed`).
 */
export function parseDeliverableUrl(
  url: string,
  options: Pick<DeliverableUrlOptions, 'allowPrivateNetworks'> = {},
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new WebhookError('invalid_url', `The webhook URL ${JSON.stringify(url)} is not an absolute URL.`, {
      cause: error,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookError('invalid_url', `Webhook URLs must use http or https, not ${parsed.protocol}`);
  }
  // Credentials in the URL would be sent to the receiver on every attempt and end up in logs.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookError('invalid_url', 'Webhook URLs must not contain a user name or password.');
  }
  const { host, literal } = hostOf(parsed);
  if (literal && options.allowPrivateNetworks !== true) {
    const range = refusedAddressRange(host);
    if (range !== undefined) throw refuse(host, host, range);
  }
  return parsed;
}

const systemResolver: WebhookHostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

async function resolveWithTimeout(
  resolver: WebhookHostResolver,
  host: string,
  timeoutMs: number,
): Promise<LookupAddress[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new WebhookError('dns_failed', `Resolving ${host} took longer than ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([resolver(host), timeout]);
  } catch (error) {
    if (error instanceof WebhookError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookError('dns_failed', `The webhook host ${host} could not be resolved: ${reason}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks that a webhook may be sent to `url` (the SSRF guard): http or https only, no credentials, and
 * every address the host resolves to is a public unicast address (see {@link refusedAddressRange}); a
 * single refused address refuses the URL, since the connection could use any of them. Resolves with the
 * parsed URL; rejects with a {@link WebhookError}: `invalid_url`, `address_not_allowed` or `dns_failed`.
 *
 * A check ahead of the request alone cannot stop DNS rebinding (the name may resolve differently a
 * moment later); the dispatcher therefore also checks the addresses the connection itself resolves,
 * with {@link createGuardedLookup}.
 */
export async function assertDeliverableUrl(url: string, options: DeliverableUrlOptions = {}): Promise<URL> {
  const parsed = parseDeliverableUrl(url, options);
  const { host, literal } = hostOf(parsed);
  if (literal || options.allowPrivateNetworks === true) return parsed;
  const addresses = await resolveWithTimeout(
    options.resolve ?? systemResolver,
    host,
    options.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS,
  );
  if (addresses.length === 0)
    throw new WebhookError('dns_failed', `The webhook host ${host} has no addresses.`);
  for (const { address } of addresses) {
    const range = refusedAddressRange(address);
    if (range !== undefined) throw refuse(host, address, range);
  }
  return parsed;
}

/**
 * A `lookup` for `http.request` that resolves like `dns.lookup` but fails the connection with a
 * {@link WebhookError} `address_not_allowed` when any resolved address is refused. Because the socket
 * connects to exactly the addresses checked here, a DNS answer that changes between a check and the
 * connection (rebinding) cannot slip through. (Node does not call `lookup` for IP literals; those are
 * checked by {@link parseDeliverableUrl}.)
 */
export function createGuardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      for (const { address } of addresses) {
        const range = refusedAddressRange(address);
        if (range !== undefined) {
          callback(refuse(hostname, address, range) as unknown as NodeJS.ErrnoException, '', 0);
          return;
        }
      }
      const first = addresses[0];
      if (first === undefined) {
        const empty = new WebhookError('dns_failed', `The webhook host ${hostname} has no addresses.`);
        callback(empty as unknown as NodeJS.ErrnoException, '', 0);
        return;
      }
      // net asks for every address when it races IPv6 and IPv4 (autoSelectFamily), else for one.
      if (options.all === true)
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
