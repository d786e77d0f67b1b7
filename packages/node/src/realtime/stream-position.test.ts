import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareStreamPositions,
  formatStreamPosition,
  horizonPosition,
  laterStreamPosition,
  parseStreamPosition,
  type StreamPosition,
} from './stream-position';

const position = fc.record({
  xactId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  streamId: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  part: fc.constantFrom<StreamPosition['part']>('event', 'ticket'),
});

describe('stream positions', () => {
  it('round-trips through the wire form', () => {
    fc.assert(
      fc.property(position, (p) => {
        expect(parseStreamPosition(formatStreamPosition(p))).toEqual(p);
      }),
    );
    expect(formatStreamPosition({ xactId: 741n, streamId: 12n, part: 'ticket' })).toBe('741-12-t');
  });

  it('orders by transaction, then row, then event before its ticket update', () => {
    const order = ['5-0', '5-3', '5-3-t', '5-4', '6-1', '6-1-t', '10-0'].map(
      (id) => parseStreamPosition(id)!,
    );
    for (let i = 1; i < order.length; i++) {
      expect(compareStreamPositions(order[i - 1]!, order[i]!)).toBeLessThan(0);
      expect(compareStreamPositions(order[i]!, order[i - 1]!)).toBeGreaterThan(0);
    }
    // A horizon comes after every row of the transactions below it and before all of its own.
    expect(compareStreamPositions(parseStreamPosition('9-99999-t')!, horizonPosition(10n))).toBeLessThan(0);
    expect(compareStreamPositions(horizonPosition(10n), parseStreamPosition('10-1')!)).toBeLessThan(0);
    fc.assert(
      fc.property(position, position, (a, b) => {
        expect(Math.sign(compareStreamPositions(a, b))).toBe(-Math.sign(compareStreamPositions(b, a)));
        expect(compareStreamPositions(laterStreamPosition(a, b), a)).toBeGreaterThanOrEqual(0);
        expect(compareStreamPositions(laterStreamPosition(a, b), b)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('rejects what this server never wrote', () => {
    for (const text of [
      '',
      'abc',
      '12',
      '12-',
      '-1-2',
      '1-2-x',
      '1-2-t-t',
      '01-2',
      '1-02',
      ' 1-2',
      '1.5-2',
      '18446744073709551616-1', // xid8 overflow
      '1-9223372036854775808', // bigint overflow
      '123456789012345678901-1',
    ]) {
      expect(parseStreamPosition(text), text).toBeUndefined();
    }
    expect(parseStreamPosition('18446744073709551615-9223372036854775807-t')).toEqual({
      xactId: 2n ** 64n - 1n,
      streamId: 2n ** 63n - 1n,
      part: 'ticket',
    });
  });
});
