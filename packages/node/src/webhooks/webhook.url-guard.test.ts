import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebhookError, type WebhookErrorCode } from './webhook.errors';
import { assertDeliverableUrl, createGuardedLookup, refusedAddressRange } from './webhook.url-guard';

async function codeOf(promise: Promise<unknown>): Promise<WebhookErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (isWebhookError(error)) return error.code;
    throw error;
  }
}

describe('assertDeliverableUrl', () => {
  it.each([
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://127.1.2.3:8080/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'reserved'],
    // Alternative spellings the URL parser normalises to 127.0.0.1.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fd00::1]/', 'uniqueLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:169.254.169.254]/', 'linkLocal'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::127.0.0.1]/', 'loopback'],
    ['http://[::10.1.2.3]/', 'private'],
    ['http://[64:ff9b::7f00:1]/', 'rfc6052'],
    ['http://[2002:7f00:1::]/', '6to4'],
  ])('refuses %s (%s) without DNS', async (url, range) => {
    const error = await assertDeliverableUrl(url, {
      resolve: () => Promise.reject(new Error('must not resolve an IP literal')),
    }).catch((e: unknown) => e);
    expect(isWebhookError(error) && { code: error.code, range: error.range }).toEqual({
      code: 'address_not_allowed',
      range,
    });
  });

  it('refuses localhost through the real resolver', async () => {
    const error = await assertDeliverableUrl('http://localhost:8080/hook').catch((e: unknown) => e);
    expect(isWebhookError(error) && error.code).toBe('address_not_allowed');
    expect(isWebhookError(error) && error.range).toBe('loopback');
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const error = await assertDeliverableUrl('https://hooks.example.com/x', { resolve }).catch(
      (e: unknown) => e,
    );
    expect(isWebhookError(error) && [error.code, error.address]).toEqual(['address_not_allowed', '10.0.0.7']);
  });

  it('accepts public addresses, literal or resolved', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ];
    await expect(assertDeliverableUrl('https://hooks.example.com/x', { resolve })).resolves.toBeInstanceOf(
      URL,
    );
    expect(await codeOf(assertDeliverableUrl('http://93.184.216.34:8443/x'))).toBe('resolved');
    expect(await codeOf(assertDeliverableUrl('https://[2606:2800:220:1::1]/x'))).toBe('resolved');
  });

  it.each([
    ['not a URL', 'hooks.example.com/x'],
    ['another scheme', 'ftp://93.184.216.34/x'],
    ['a file URL', 'file:///etc/passwd'],
    ['credentials', 'https://user:pw@93.184.216.34/x'],
    ['a user name', 'https://user@93.184.216.34/x'],
  ])('refuses %s as invalid_url', async (_, url) => {
    expect(await codeOf(assertDeliverableUrl(url, { allowPrivateNetworks: true }))).toBe('invalid_url');
  });

  it('reports unresolvable and slow names as dns_failed', async () => {
    const failing = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    expect(await codeOf(assertDeliverableUrl('https://nowhere.example/', { resolve: failing }))).toBe(
      'dns_failed',
    );
    const empty = async () => [];
    expect(await codeOf(assertDeliverableUrl('https://nowhere.example/', { resolve: empty }))).toBe(
      'dns_failed',
    );
    const hanging = () => new Promise<never>(() => {});
    expect(
      await codeOf(assertDeliverableUrl('https://slow.example/', { resolve: hanging, resolveTimeoutMs: 20 })),
    ).toBe('dns_failed');
  });

  it('lets everything through with allowPrivateNetworks but still checks scheme and credentials', async () => {
    expect(await codeOf(assertDeliverableUrl('http://127.0.0.1/x', { allowPrivateNetworks: true }))).toBe(
      'resolved',
    );
    expect(await codeOf(assertDeliverableUrl('http://localhost/x', { allowPrivateNetworks: true }))).toBe(
      'resolved',
    );
  });
});

describe('refusedAddressRange', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));

  it('judges IPv4-mapped and IPv4-compatible IPv6 forms like the IPv4 address inside', () => {
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        const dotted = `${a}.${b}.${c}.${d}`;
        const verdict = refusedAddressRange(dotted);
        expect(refusedAddressRange(`::ffff:${dotted}`)).toBe(verdict);
        const hex = (x: number, y: number): string => ((x << 8) | y).toString(16);
        expect(refusedAddressRange(`::ffff:${hex(a, b)}:${hex(c, d)}`)).toBe(verdict);
        // ::0.0.0.0 and ::0.0.0.1 are the IPv6 unspecified and loopback addresses, refused either way.
        if (a + b + c > 0 || d > 1) expect(refusedAddressRange(`::${dotted}`)).toBe(verdict);
        else expect(refusedAddressRange(`::${dotted}`)).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses garbage and ignores a zone id', () => {
    expect(refusedAddressRange('not-an-ip')).toBe('invalid');
    expect(refusedAddressRange('fe80::1%eth0')).toBe('linkLocal');
    expect(refusedAddressRange('8.8.8.8')).toBeUndefined();
  });
});

describe('createGuardedLookup', () => {
  const lookup = createGuardedLookup();
  const run = (all: boolean) =>
    new Promise<{ error: unknown; address: unknown }>((resolve) => {
      lookup('localhost', { all }, (error: unknown, address: unknown) => resolve({ error, address }));
    });

  it('fails the connection when the name resolves to a refused address', async () => {
    for (const all of [true, false]) {
      const { error } = await run(all);
      expect(isWebhookError(error) && error.code).toBe('address_not_allowed');
    }
  });
});
