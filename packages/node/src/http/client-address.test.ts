import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type ClientAddressOptions, clientAddress } from './client-address';

const req = (headers: Record<string, string> = {}) => new Request('http://127.0.0.1/v1/tickets', { headers });
const at = (headers: Record<string, string>, options: ClientAddressOptions) =>
  clientAddress(req(headers), options);

describe('clientAddress', () => {
  it('ignores a spoofed X-Forwarded-For and Forwarded when no proxy is trusted', () => {
    const spoofed = { 'x-forwarded-for': '6.6.6.6', forwarded: 'for=6.6.6.6' };
    expect(at(spoofed, { remoteAddress: '203.0.113.7' })).toBe('203.0.113.7');
    expect(at(spoofed, { remoteAddress: '203.0.113.7', trustProxy: false })).toBe('203.0.113.7');
    expect(at(spoofed, { remoteAddress: '203.0.113.7', trustProxy: [] })).toBe('203.0.113.7');
    // A proxy list that does not contain the peer: the peer is the client.
    expect(at(spoofed, { remoteAddress: '203.0.113.7', trustProxy: ['10.0.0.0/8'] })).toBe('203.0.113.7');
  });

  it('normalizes IPv4-mapped IPv6 and IPv6 spellings', () => {
    expect(at({}, { remoteAddress: '::ffff:198.51.100.4' })).toBe('198.51.100.4');
    expect(at({}, { remoteAddress: '2001:DB8:0:0:0:0:0:1' })).toBe('2001:db8::1');
    expect(at({}, { remoteAddress: undefined })).toBeUndefined();
  });

  it('walks X-Forwarded-For from the socket inwards, over trusted proxies only', () => {
    const trustProxy = ['10.0.0.0/8', '192.0.2.1'];
    const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.1.1.1' };
    // 10.0.0.5 (socket, trusted) → 10.1.1.1 (trusted) → 198.51.100.4: not trusted, the client.
    expect(at(headers, { remoteAddress: '10.0.0.5', trustProxy })).toBe('198.51.100.4');
    expect(at(headers, { remoteAddress: '::ffff:10.0.0.5', trustProxy })).toBe('198.51.100.4');
    expect(at({ 'x-forwarded-for': '198.51.100.4' }, { remoteAddress: '192.0.2.1', trustProxy })).toBe(
      '198.51.100.4',
    );
    // Everything trusted: the left-most address.
    expect(at(headers, { remoteAddress: '10.0.0.5', trustProxy: true })).toBe('6.6.6.6');
    // Trusted peer without the header: the peer itself.
    expect(at({}, { remoteAddress: '10.0.0.5', trustProxy })).toBe('10.0.0.5');
  });

  it('reads several X-Forwarded-For headers as one list, and strips ports', () => {
    const headers = new Headers();
    headers.append('x-forwarded-for', '198.51.100.4:5123');
    headers.append('x-forwarded-for', '[2001:db8::7]:443');
    const request = new Request('http://127.0.0.1/', { headers });
    expect(clientAddress(request, { remoteAddress: '127.0.0.1', trustProxy: ['loopback'] })).toBe(
      '2001:db8::7',
    );
    expect(clientAddress(request, { remoteAddress: '127.0.0.1', trustProxy: true })).toBe('198.51.100.4');
  });

  it('stops at a hop that is not an IP address', () => {
    const headers = { 'x-forwarded-for': '198.51.100.4, unknown, 10.1.1.1' };
    expect(at(headers, { remoteAddress: '10.0.0.5', trustProxy: true })).toBe('10.1.1.1');
    expect(at({ 'x-forwarded-for': '1.2.3' }, { remoteAddress: '10.0.0.5', trustProxy: true })).toBe(
      '10.0.0.5',
    );
    expect(at({ 'x-forwarded-for': '' }, { remoteAddress: '10.0.0.5', trustProxy: true })).toBe('10.0.0.5');
  });

  it('reads RFC 7239 Forwarded when configured, and only then', () => {
    const headers = {
      forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https, for=198.51.100.4;by=10.0.0.1, for=10.1.1.1',
      'x-forwarded-for': '6.6.6.6',
    };
    const options = { remoteAddress: '10.0.0.5', trustProxy: ['uniquelocal'] } as const;
    expect(at(headers, { ...options, header: 'forwarded' })).toBe('198.51.100.4');
    expect(at(headers, { ...options, header: 'forwarded', trustProxy: true })).toBe('2001:db8:cafe::17');
    // The default header is X-Forwarded-For: a client-sent Forwarded header is not believed.
    expect(at(headers, options)).toBe('6.6.6.6');
    expect(at({ forwarded: 'for=198.51.100.4' }, options)).toBe('10.0.0.5');
    // Obfuscated identifiers and elements without `for` stop the walk; quoted commas do not split.
    expect(at({ forwarded: 'for=_hidden, for=10.1.1.1' }, { ...options, header: 'forwarded' })).toBe(
      '10.1.1.1',
    );
    expect(at({ forwarded: 'proto=https' }, { ...options, header: 'forwarded' })).toBe('10.0.0.5');
    expect(
      at({ forwarded: 'for=198.51.100.9;x="a,b", for=10.1.1.1' }, { ...options, header: 'forwarded' }),
    ).toBe('198.51.100.9');
  });

  it('matches IPv6 ranges and IPv4-mapped ranges', () => {
    const headers = { 'x-forwarded-for': '198.51.100.4' };
    expect(at(headers, { remoteAddress: 'fd00::1', trustProxy: ['fd00::/8'] })).toBe('198.51.100.4');
    expect(at(headers, { remoteAddress: 'fe00::1', trustProxy: ['fd00::/8'] })).toBe('fe00::1');
    expect(at(headers, { remoteAddress: '10.2.3.4', trustProxy: ['::ffff:10.0.0.0/104'] })).toBe(
      '198.51.100.4',
    );
    expect(at(headers, { remoteAddress: '::1', trustProxy: ['loopback'] })).toBe('198.51.100.4');
  });

  it('rejects an invalid trust list loudly', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '0x7f.1', '10.0.0/8', '']) {
      expect(() =>
        at({ 'x-forwarded-for': '1.1.1.1' }, { remoteAddress: '10.0.0.1', trustProxy: [bad] }),
      ).toThrow(TypeError);
    }
  });

  it('uses the real socket address of a connection on 127.0.0.1, ignoring a spoofed header', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((incoming, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      try {
        const request = new Request(`http://127.0.0.1${incoming.url ?? '/'}`, { headers });
        const remoteAddress = incoming.socket.remoteAddress;
        seen.push(clientAddress(request, { remoteAddress }));
        seen.push(clientAddress(request, { remoteAddress, trustProxy: ['loopback'] }));
      } finally {
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const r = httpRequest(
          { host: '127.0.0.1', port, path: '/', headers: { 'x-forwarded-for': '6.6.6.6' } },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        r.on('error', reject);
        r.end();
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(seen).toEqual(['127.0.0.1', '6.6.6.6']);
  });
});
