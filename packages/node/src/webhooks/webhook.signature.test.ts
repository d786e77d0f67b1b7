import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isWebhookError } from './webhook.errors';
import { decodeWebhookSecret, generateWebhookSecret, signWebhook } from './webhook.signature';

describe('signWebhook', () => {
  it('matches the Standard Webhooks reference vector', () => {
    // The example of the Standard Webhooks specification.
    const headers = signWebhook({
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('is accepted by the official verifier, and a tampered body or id is not', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({
      type: 'ticket.created',
      timestamp: '2025-01-01T00:00:00.000Z',
      data: { n: 'ü' },
    });
    const headers = signWebhook({ id: 'evt_1', timestamp: new Date(), body, secret });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it('signs integer seconds, flooring a Date', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'a', timestamp: new Date(1_700_000_000_999), body: '', secret });
    expect(headers['webhook-timestamp']).toBe('1700000000');
  });

  it('refuses an invalid timestamp with a typed error', () => {
    const secret = generateWebhookSecret();
    for (const timestamp of [new Date(Number.NaN), -1, Number.POSITIVE_INFINITY]) {
      expect(() => signWebhook({ id: 'a', timestamp, body: '', secret })).toThrow(
        expect.objectContaining({ code: 'invalid_event' }),
      );
    }
  });
});

describe('generateWebhookSecret', () => {
  it('makes distinct whsec_ secrets of 32 bytes', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(decodeWebhookSecret(a)).toHaveLength(32);
  });
});

describe('decodeWebhookSecret', () => {
  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['empty', 'whsec_'],
    ['not base64', 'whsec_!!!!MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['unpadded', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS'],
    ['too short', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
  ])('refuses a secret that is %s', (_, secret) => {
    let thrown: unknown;
    try {
      decodeWebhookSecret(secret);
    } catch (error) {
      thrown = error;
    }
    expect(isWebhookError(thrown) && thrown.code).toBe('invalid_secret');
  });
});
