import { tzOffset, tzScan } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessIntervals,
  businessTimeBetween,
  isWithinBusinessHours,
  nextClosing,
  nextOpening,
} from './calendar';
import type { BusinessCalendar } from './calendar.schema';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

type Weekly = BusinessCalendar['weekly'];

function cal(timeZone: string, weekly: Weekly, holidays: string[] = []): BusinessCalendar {
  return { id: `cal-${timeZone}`, timeZone, weekly, holidays };
}

/** The same hours on each listed weekday. */
function hours(days: number[], start: string, end: string): Weekly {
  return days.map((day) => ({ day, start, end }));
}

const WEEKDAYS = [1, 2, 3, 4, 5];
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const spans = (list: Array<{ start: Date; end: Date }>): string[][] =>
  list.map((i) => [i.start.toISOString(), i.end.toISOString()]);

describe('without a calendar (24/7)', () => {
  const t = '2024-03-10T06:30:00.000Z';
  it('adds and subtracts plainly', () => {
    expect(iso(addBusinessTime(t, 5 * H))).toBe('2024-03-10T11:30:00.000Z');
    expect(iso(addBusinessTime(t, 0, null))).toBe(t);
    expect(businessTimeBetween(t, '2024-03-11T06:30:00.000Z')).toBe(DAY);
    expect(businessTimeBetween('2024-03-11T06:30:00.000Z', t, null)).toBe(-DAY);
  });
  it('is always open and never closes', () => {
    expect(isWithinBusinessHours(t)).toBe(true);
    expect(iso(nextOpening(t))).toBe(t);
    expect(nextClosing(t)).toBeNull();
  });
  it('accepts every InstantLike form', () => {
    const ms = Date.parse(t);
    expect(iso(addBusinessTime(ms, H))).toBe('2024-03-10T07:30:00.000Z');
    expect(iso(addBusinessTime(new Date(ms), H))).toBe('2024-03-10T07:30:00.000Z');
    // An explicit offset is as good as Z: 01:30-05:00 is 06:30Z.
    expect(iso(addBusinessTime('2024-03-10T01:30-05:00', H))).toBe('2024-03-10T07:30:00.000Z');
  });
});

describe('input validation', () => {
  const berlin = cal('Europe/Berlin', hours(WEEKDAYS, '09:00', '17:00'));
  it('rejects negative, fractional and non-finite durations', () => {
    expect(() => addBusinessTime(0, -1, berlin)).toThrow(RangeError);
    expect(() => addBusinessTime(0, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(0, Number.NaN, berlin)).toThrow(RangeError);
    expect(() => addBusinessTime(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => addBusinessTime(0, 0.5, berlin)).toThrow(RangeError);
  });
  it('rejects invalid instants, including zone-less strings that would depend on the host zone', () => {
    expect(() => addBusinessTime(Number.NaN, 0)).toThrow(RangeError);
    expect(() => addBusinessTime(new Date(Number.NaN), 0)).toThrow(RangeError);
    expect(() => businessTimeBetween('2024-01-01T09:00', 0, berlin)).toThrow(RangeError);
    expect(() => isWithinBusinessHours('yesterday', berlin)).toThrow(RangeError);
    expect(() => nextOpening(Number.POSITIVE_INFINITY, berlin)).toThrow(RangeError);
    expect(() => nextOpening('2024-02-30T00:00:00Z', berlin)).toThrow(RangeError);
    expect(() => nextOpening('2024-01-01t00:00:00z', berlin)).toThrow(RangeError);
  });
  it('parses ISO instants exactly, without relying on Date.parse quirks', () => {
    // 09:15:30.1234 at +05:45 is 03:30:30.123Z (sub-millisecond digits are dropped).
    expect(iso(addBusinessTime('2024-01-15T09:15:30.1234+05:45', 0))).toBe('2024-01-15T03:30:30.123Z');
    expect(iso(addBusinessTime('2024-01-15T09:15-03:30', 0))).toBe('2024-01-15T12:45:00.000Z');
    expect(iso(addBusinessTime('0050-06-01T00:00:00Z', 0))).toBe('0050-06-01T00:00:00.000Z');
  });
  it('rejects a bad zone, wall time or holiday', () => {
    expect(() => isWithinBusinessHours(0, cal('Mars/Olympus', hours([1], '09:00', '17:00')))).toThrow(
      RangeError,
    );
    expect(() => isWithinBusinessHours(0, cal('UTC', hours([1], '9:00', '17:00')))).toThrow(RangeError);
    expect(() => isWithinBusinessHours(0, cal('UTC', hours([1], '17:00', '09:00')))).toThrow(RangeError);
    expect(() => isWithinBusinessHours(0, cal('UTC', hours([1], '09:00', '17:00'), ['2024-02-30']))).toThrow(
      RangeError,
    );
  });
  it('gives up on a calendar that never opens within three years', () => {
    // Open on Mondays only, and every Monday of 2024-2027 is a holiday.
    const mondays: string[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2028, 0, 1); t += 7 * DAY) {
      mondays.push(new Date(t).toISOString().slice(0, 10));
    }
    const never = cal('UTC', hours([1], '09:00', '17:00'), mondays);
    expect(() => addBusinessTime('2024-01-01T00:00:00Z', H, never)).toThrow(RangeError);
    expect(nextOpening('2024-01-01T00:00:00Z', never)).toBeNull();
    expect(nextClosing('2024-01-01T00:00:00Z', never)).toBeNull();
    expect(isWithinBusinessHours('2024-01-01T10:00:00Z', never)).toBe(false);
    // Bounded questions still answer.
    expect(businessTimeBetween('2024-01-01T00:00:00Z', '2028-01-01T00:00:00Z', never)).toBe(0);
    // The first Monday after the holidays, 2028-01-03, does open.
    expect(iso(nextOpening('2027-12-28T00:00:00Z', never))).toBe('2028-01-03T09:00:00.000Z');
  });
});

describe('Europe/Berlin, 09:00-17:00 Monday to Friday', () => {
  const berlin = cal('Europe/Berlin', hours(WEEKDAYS, '09:00', '17:00'), ['2024-12-25', '2024-12-26']);

  it('carries over a weekend', () => {
    // Fri 2024-03-15 15:00 CET (+01:00): 2 h left on Friday, 2 h more from Monday 09:00 CET = 08:00Z.
    expect(iso(addBusinessTime('2024-03-15T14:00:00Z', 4 * H, berlin))).toBe('2024-03-18T10:00:00.000Z');
  });
  it('lands on the closing instant, not the next opening', () => {
    // Fri 15:00 CET + 2 h is exactly Fri 17:00 CET = 16:00Z.
    expect(iso(addBusinessTime('2024-03-15T14:00:00Z', 2 * H, berlin))).toBe('2024-03-15T16:00:00.000Z');
    // One ms more spills into Monday 09:00 CET = 08:00Z.
    expect(iso(addBusinessTime('2024-03-15T14:00:00Z', 2 * H + 1, berlin))).toBe('2024-03-18T08:00:00.001Z');
  });
  it('returns the start itself for a zero duration, even when closed', () => {
    expect(iso(addBusinessTime('2024-03-16T12:00:00Z', 0, berlin))).toBe('2024-03-16T12:00:00.000Z');
  });
  it('starts counting at the next opening when started while closed', () => {
    // Saturday: nothing until Mon 2024-03-18 09:00 CET = 08:00Z; +30 min.
    expect(iso(addBusinessTime('2024-03-16T12:00:00Z', 30 * MIN, berlin))).toBe('2024-03-18T08:30:00.000Z');
  });
  it('follows the spring-forward change across a weekend', () => {
    // Fri 2024-03-29 16:00 CET = 15:00Z: 1 h on Friday. Clocks go to CEST (+02:00) on Sun 2024-03-31,
    // so Monday 09:00 is 07:00Z, and the second hour ends at 08:00Z.
    expect(iso(addBusinessTime('2024-03-29T15:00:00Z', 2 * H, berlin))).toBe('2024-04-01T08:00:00.000Z');
    expect(businessTimeBetween('2024-03-29T15:00:00Z', '2024-04-01T08:00:00Z', berlin)).toBe(2 * H);
  });
  it('takes holidays of any year the schema accepts, 0000 to 9999', () => {
    // Found by the reliability fuzzer: a stored calendar with holiday 0000-01-01 made every new ticket a 500.
    const far = cal('Europe/Berlin', hours(WEEKDAYS, '09:00', '17:00'), [
      '0000-01-01',
      '0099-12-31',
      '9999-12-31',
    ]);
    expect(iso(addBusinessTime('2024-12-24T15:00:00Z', 2 * H, far))).toBe('2024-12-25T09:00:00.000Z');
    expect(() =>
      addBusinessTime(0, H, cal('UTC', hours(WEEKDAYS, '09:00', '17:00'), ['2024-02-30'])),
    ).toThrow(RangeError);
  });
  it('skips holidays as whole local days', () => {
    // Tue 2024-12-24 16:00 CET = 15:00Z: 1 h on Tuesday; 25th and 26th are holidays;
    // Fri 2024-12-27 09:00 CET = 08:00Z plus 1 h.
    expect(iso(addBusinessTime('2024-12-24T15:00:00Z', 2 * H, berlin))).toBe('2024-12-27T09:00:00.000Z');
    expect(isWithinBusinessHours('2024-12-25T10:00:00Z', berlin)).toBe(false);
  });
  it('adds 400 business hours interval by interval, not minute by minute', () => {
    // 400 h = 10 weeks of 40 h: from Mon 2024-01-08 09:00 CET to Fri 2024-03-15 17:00 CET (16:00Z),
    // still before the 2024-03-31 DST change.
    const began = performance.now();
    expect(iso(addBusinessTime('2024-01-08T08:00:00Z', 400 * H, berlin))).toBe('2024-03-15T16:00:00.000Z');
    expect(businessTimeBetween('2024-01-08T08:00:00Z', '2024-03-15T16:00:00Z', berlin)).toBe(400 * H);
    // 20 000 h (~10 years) across DST changes and holidays still answers quickly.
    const far = addBusinessTime('2024-01-08T08:00:00Z', 20_000 * H, berlin);
    expect(businessTimeBetween('2024-01-08T08:00:00Z', far, berlin)).toBe(20_000 * H);
    expect(performance.now() - began).toBeLessThan(500);
  });
  it('answers isWithinBusinessHours on half-open periods', () => {
    // Mon 2024-03-18 09:00 CET = 08:00Z opens, 17:00 CET = 16:00Z closes.
    expect(isWithinBusinessHours('2024-03-18T08:00:00Z', berlin)).toBe(true);
    expect(isWithinBusinessHours('2024-03-18T07:59:59.999Z', berlin)).toBe(false);
    expect(isWithinBusinessHours('2024-03-18T15:59:59.999Z', berlin)).toBe(true);
    expect(isWithinBusinessHours('2024-03-18T16:00:00Z', berlin)).toBe(false);
  });
  it('finds the next opening and closing', () => {
    // Open now: nextOpening is `at`, nextClosing is today's 17:00 CET = 16:00Z.
    expect(iso(nextOpening('2024-03-18T10:00:00Z', berlin))).toBe('2024-03-18T10:00:00.000Z');
    expect(iso(nextClosing('2024-03-18T10:00:00Z', berlin))).toBe('2024-03-18T16:00:00.000Z');
    // At the closing instant it is closed: next opening Tue 09:00 CET, closing Tue 17:00 CET.
    expect(iso(nextOpening('2024-03-18T16:00:00Z', berlin))).toBe('2024-03-19T08:00:00.000Z');
    expect(iso(nextClosing('2024-03-18T16:00:00Z', berlin))).toBe('2024-03-19T16:00:00.000Z');
  });
  it('lists intervals clipped to [from, to)', () => {
    expect(spans(businessIntervals('2024-03-15T12:00:00Z', '2024-03-18T09:00:00Z', berlin))).toEqual([
      ['2024-03-15T12:00:00.000Z', '2024-03-15T16:00:00.000Z'],
      ['2024-03-18T08:00:00.000Z', '2024-03-18T09:00:00.000Z'],
    ]);
    expect(businessIntervals('2024-03-18T09:00:00Z', '2024-03-18T09:00:00Z', berlin)).toEqual([]);
    expect(businessIntervals('2024-03-19T09:00:00Z', '2024-03-18T09:00:00Z', berlin)).toEqual([]);
  });
  it('is signed', () => {
    expect(businessTimeBetween('2024-03-18T16:00:00Z', '2024-03-18T08:00:00Z', berlin)).toBe(-8 * H);
  });
  it('has 23 h and 25 h days at the DST changes', () => {
    const sundays = cal('Europe/Berlin', hours([0], '00:00', '24:00'));
    // 2024-03-31 runs 00:00 CET (23:00Z on the 30th) to 24:00 CEST (22:00Z on the 31st).
    expect(businessTimeBetween('2024-03-30T00:00:00Z', '2024-04-01T00:00:00Z', sundays)).toBe(23 * H);
    // 2024-10-27 runs 00:00 CEST (22:00Z on the 26th) to 24:00 CET (23:00Z on the 27th).
    expect(businessTimeBetween('2024-10-26T00:00:00Z', '2024-10-28T00:00:00Z', sundays)).toBe(25 * H);
  });
});

describe('America/New_York DST', () => {
  it('spring forward: 01:00-04:00 is 2 h', () => {
    const c = cal('America/New_York', hours([0], '01:00', '04:00'));
    // Sun 2024-03-10: 01:00 EST (-05:00) = 06:00Z; 04:00 EDT (-04:00) = 08:00Z.
    expect(spans(businessIntervals('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z', c))).toEqual([
      ['2024-03-10T06:00:00.000Z', '2024-03-10T08:00:00.000Z'],
    ]);
    expect(businessTimeBetween('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z', c)).toBe(2 * H);
  });
  it('fall back: 01:00-04:00 is 4 h', () => {
    const c = cal('America/New_York', hours([0], '01:00', '04:00'));
    // Sun 2024-11-03: 01:00 EDT = 05:00Z (first 01:00); 04:00 EST = 09:00Z.
    expect(spans(businessIntervals('2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z', c))).toEqual([
      ['2024-11-03T05:00:00.000Z', '2024-11-03T09:00:00.000Z'],
    ]);
    expect(businessTimeBetween('2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z', c)).toBe(4 * H);
  });
  it('maps a start inside the spring-forward gap to the instant after the gap', () => {
    // 02:30 does not exist on 2024-03-10; the clock jumps from 02:00 EST to 03:00 EDT = 07:00Z.
    const c = cal('America/New_York', hours([0], '02:30', '05:00'));
    expect(iso(nextOpening('2024-03-10T00:00:00Z', c))).toBe('2024-03-10T07:00:00.000Z');
    // 05:00 EDT = 09:00Z, so 2 h.
    expect(businessTimeBetween('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z', c)).toBe(2 * H);
    // An interval entirely inside the gap is empty that day.
    const gap = cal('America/New_York', hours([0], '02:00', '02:30'));
    expect(businessTimeBetween('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z', gap)).toBe(0);
    // ...and half an hour on an ordinary Sunday: 02:00 EDT = 06:00Z.
    expect(iso(nextOpening('2024-03-11T00:00:00Z', gap))).toBe('2024-03-17T06:00:00.000Z');
  });
  it('uses the first occurrence for a start and the second for an end in the fall-back overlap', () => {
    // 01:30-03:00 on 2024-11-03: first 01:30 is EDT = 05:30Z; 03:00 EST = 08:00Z: 2.5 h.
    const late = cal('America/New_York', hours([0], '01:30', '03:00'));
    expect(spans(businessIntervals('2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z', late))).toEqual([
      ['2024-11-03T05:30:00.000Z', '2024-11-03T08:00:00.000Z'],
    ]);
    // 00:00-01:30: 00:00 EDT = 04:00Z; the second 01:30 is EST = 06:30Z: 2.5 h.
    const early = cal('America/New_York', hours([0], '00:00', '01:30'));
    expect(iso(nextClosing('2024-11-03T04:00:00Z', early))).toBe('2024-11-03T06:30:00.000Z');
    // Both together overlap in real time (05:30Z-06:30Z) and count once: 04:00Z-08:00Z.
    const both = cal('America/New_York', [...hours([0], '00:00', '01:00'), ...hours([0], '01:30', '03:00')]);
    // 00:00-01:00 ends at the second 01:00 = 06:00Z, after 01:30 EDT = 05:30Z: one period.
    expect(spans(businessIntervals('2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z', both))).toEqual([
      ['2024-11-03T04:00:00.000Z', '2024-11-03T08:00:00.000Z'],
    ]);
  });
  it('carries a due time over the fall-back weekend', () => {
    const ny = cal('America/New_York', hours(WEEKDAYS, '09:00', '17:00'));
    // Fri 2024-11-01 16:00 EDT = 20:00Z: 1 h Friday; Monday 09:00 EST = 14:00Z + 1 h.
    expect(iso(addBusinessTime('2024-11-01T20:00:00Z', 2 * H, ny))).toBe('2024-11-04T15:00:00.000Z');
  });
});

describe('other zones', () => {
  it('Australia/Sydney (southern hemisphere)', () => {
    const syd = cal('Australia/Sydney', hours(WEEKDAYS, '09:00', '17:00'));
    // Mon 2024-01-15 in summer time (AEDT, +11:00): 09:00 = 22:00Z on the 14th.
    expect(iso(nextOpening('2024-01-14T12:00:00Z', syd))).toBe('2024-01-14T22:00:00.000Z');
    // Mon 2024-07-15 in winter (AEST, +10:00): 09:00 = 23:00Z on the 14th.
    expect(iso(nextOpening('2024-07-14T12:00:00Z', syd))).toBe('2024-07-14T23:00:00.000Z');
    const sundays = cal('Australia/Sydney', hours([0], '00:00', '24:00'));
    // DST starts Sun 2024-10-06 (02:00 -> 03:00): 23 h. Ends Sun 2024-04-07 (03:00 -> 02:00): 25 h.
    expect(businessTimeBetween('2024-10-05T00:00:00Z', '2024-10-07T00:00:00Z', sundays)).toBe(23 * H);
    expect(businessTimeBetween('2024-04-06T00:00:00Z', '2024-04-08T00:00:00Z', sundays)).toBe(25 * H);
  });
  it('Asia/Kolkata (+05:30)', () => {
    const c = cal('Asia/Kolkata', hours(WEEKDAYS, '09:00', '17:00'));
    // Mon 2024-01-15 09:00 IST = 03:30Z, 17:00 IST = 11:30Z.
    expect(spans(businessIntervals('2024-01-15T00:00:00Z', '2024-01-16T00:00:00Z', c))).toEqual([
      ['2024-01-15T03:30:00.000Z', '2024-01-15T11:30:00.000Z'],
    ]);
  });
  it('Asia/Kathmandu (+05:45)', () => {
    const c = cal('Asia/Kathmandu', hours(WEEKDAYS, '10:00', '18:00'));
    // Mon 2024-01-15 10:00 NPT = 04:15Z; +8 h business = 18:00 NPT = 12:15Z (the closing instant).
    expect(iso(addBusinessTime('2024-01-15T00:00:00Z', 8 * H, c))).toBe('2024-01-15T12:15:00.000Z');
  });
  it('Australia/Lord_Howe (30-minute DST shift)', () => {
    const c = cal('Australia/Lord_Howe', hours([0], '01:00', '03:00'));
    // Sun 2024-10-06: clocks go 02:00 (+10:30) -> 02:30 (+11:00). 01:00 +10:30 = 14:30Z on the 5th;
    // 03:00 +11:00 = 16:00Z: 1.5 h.
    expect(spans(businessIntervals('2024-10-05T00:00:00Z', '2024-10-07T00:00:00Z', c))).toEqual([
      ['2024-10-05T14:30:00.000Z', '2024-10-05T16:00:00.000Z'],
    ]);
    // Sun 2024-04-07: clocks go 02:00 (+11:00) -> 01:30 (+10:30). 01:00 +11:00 = 14:00Z on the 6th;
    // 03:00 +10:30 = 16:30Z: 2.5 h.
    expect(businessTimeBetween('2024-04-06T00:00:00Z', '2024-04-08T00:00:00Z', c)).toBe(2.5 * H);
    // 01:45 happens twice that night; as a start it is the first one (+11:00) = 14:45Z.
    const overlap = cal('Australia/Lord_Howe', hours([0], '01:45', '03:00'));
    expect(iso(nextOpening('2024-04-06T00:00:00Z', overlap))).toBe('2024-04-06T14:45:00.000Z');
    // 02:15 does not exist on 2024-10-06; it maps to the end of the gap, 02:30 +11:00 = 15:30Z.
    const gap = cal('Australia/Lord_Howe', hours([0], '02:15', '03:00'));
    expect(iso(nextOpening('2024-10-05T00:00:00Z', gap))).toBe('2024-10-05T15:30:00.000Z');
  });
  it('Pacific/Chatham (+12:45/+13:45)', () => {
    const sundays = cal('Pacific/Chatham', hours([0], '00:00', '24:00'));
    // Sun 2024-09-29: 02:45 -> 03:45. 00:00 +12:45 = 11:15Z on the 28th; 24:00 +13:45 = 10:15Z on the 29th.
    expect(spans(businessIntervals('2024-09-28T00:00:00Z', '2024-09-30T00:00:00Z', sundays))).toEqual([
      ['2024-09-28T11:15:00.000Z', '2024-09-29T10:15:00.000Z'],
    ]);
  });
});

describe('calendar shapes', () => {
  it('treats overlapping and touching intervals of a day as their union', () => {
    const c = cal('UTC', [
      { day: 1, start: '09:00', end: '12:00' },
      { day: 1, start: '11:00', end: '13:00' },
      { day: 1, start: '13:00', end: '14:00' },
    ]);
    // Mon 2024-01-15: 09:00-14:00 UTC, 5 h, one period.
    expect(businessTimeBetween('2024-01-15T00:00:00Z', '2024-01-16T00:00:00Z', c)).toBe(5 * H);
    expect(iso(nextClosing('2024-01-15T09:30:00Z', c))).toBe('2024-01-15T14:00:00.000Z');
  });
  it('runs continuously from 24:00 into a 00:00 start, and counts 24:00 before a holiday fully', () => {
    const night = [
      { day: 2, start: '20:00', end: '24:00' },
      { day: 3, start: '00:00', end: '04:00' },
    ];
    const plain = cal('Europe/Berlin', night);
    // Tue 2024-12-24 20:00 CET = 19:00Z to Wed 04:00 CET = 03:00Z: one 8 h period.
    expect(iso(nextClosing('2024-12-24T20:00:00Z', plain))).toBe('2024-12-25T03:00:00.000Z');
    expect(spans(businessIntervals('2024-12-24T00:00:00Z', '2024-12-26T00:00:00Z', plain))).toEqual([
      ['2024-12-24T19:00:00.000Z', '2024-12-25T03:00:00.000Z'],
    ]);
    // With Wednesday a holiday, Tuesday's 20:00-24:00 still counts: 4 h, closing at 23:00Z.
    const holiday = cal('Europe/Berlin', night, ['2024-12-25']);
    expect(businessTimeBetween('2024-12-24T00:00:00Z', '2024-12-26T00:00:00Z', holiday)).toBe(4 * H);
    expect(iso(nextClosing('2024-12-24T20:00:00Z', holiday))).toBe('2024-12-24T23:00:00.000Z');
  });
  it('returns null from nextClosing for a calendar open around the clock', () => {
    const always = cal('America/New_York', hours([0, 1, 2, 3, 4, 5, 6], '00:00', '24:00'));
    expect(nextClosing('2024-03-09T12:00:00Z', always)).toBeNull();
    // Real time is continuous over DST changes, so business time equals wall time here.
    expect(businessTimeBetween('2024-03-01T00:00:00Z', '2024-12-01T00:00:00Z', always)).toBe(
      Date.parse('2024-12-01T00:00:00Z') - Date.parse('2024-03-01T00:00:00Z'),
    );
    // With a holiday it closes at the start of that local day: 2024-07-04 00:00 EDT = 04:00Z.
    const july = cal('America/New_York', always.weekly, ['2024-07-04']);
    expect(iso(nextClosing('2024-07-01T12:00:00Z', july))).toBe('2024-07-04T04:00:00.000Z');
    expect(iso(nextOpening('2024-07-04T12:00:00Z', july))).toBe('2024-07-05T04:00:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'UTC',
] as const;

const pad = (n: number): string => String(n).padStart(2, '0');
const wall = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

// Starts at 00:00 or on quarter hours (to hit the :30/:45 DST boundaries) or any minute; ends are
// clamped at 24:00, so long intervals produce many 24:00 ends.
const intervalArb = fc
  .record({
    day: fc.integer({ min: 0, max: 6 }),
    start: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
      fc.integer({ min: 0, max: 1439 }),
    ),
    length: fc.oneof(fc.integer({ min: 30, max: 600 }), fc.integer({ min: 1, max: 1440 })),
  })
  .map(({ day, start, length }) => ({ day, start: wall(start), end: wall(Math.min(1440, start + length)) }));

const holidayArb = fc
  .integer({ min: Date.UTC(2020, 0, 1) / DAY, max: Date.UTC(2031, 11, 31) / DAY })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekly: fc.array(intervalArb, { minLength: 1, maxLength: 10 }),
    holidays: fc.array(holidayArb, { maxLength: 40 }),
  })
  .map(({ timeZone, weekly, holidays }) => ({ id: 'prop', timeZone, weekly, holidays }));

const uniformInstantArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

// Offset changes of each zone in 2020-2030 (tzScan reports them to the hour, enough for aiming).
const transitionCache = new Map<string, number[]>();
function transitions(timeZone: string): number[] {
  let list = transitionCache.get(timeZone);
  if (!list) {
    const interval = { start: new Date(Date.UTC(2020, 0, 1)), end: new Date(Date.UTC(2030, 0, 1)) };
    list = tzScan(timeZone, interval).map((c) => c.date.getTime());
    transitionCache.set(timeZone, list);
  }
  return list;
}

/** Uniform over 2020-2030, or within three days of one of the zone's DST changes. */
function instantArb(timeZone: string): fc.Arbitrary<number> {
  const list = transitions(timeZone);
  if (list.length === 0) return uniformInstantArb;
  const near = fc
    .record({ index: fc.nat({ max: list.length - 1 }), delta: fc.integer({ min: -3 * DAY, max: 3 * DAY }) })
    .map(({ index, delta }) => (list[index] ?? 0) + delta);
  return fc.oneof(uniformInstantArb, near);
}

// Mostly large durations (up to 2000 business hours), some short ones that stay within a day or two.
const durationArb = fc.oneof(fc.integer({ min: 0, max: 2000 * H }), fc.integer({ min: 0, max: 12 * H }));

/** A calendar with three instants aimed at its own zone's DST changes and two durations. */
const scenarioArb = calendarArb.chain((c) =>
  fc.record({
    c: fc.constant(c),
    t1: instantArb(c.timeZone),
    t2: instantArb(c.timeZone),
    t3: instantArb(c.timeZone),
    x: durationArb,
    y: durationArb,
  }),
);

const RUNS = { numRuns: 100 };
const add = (t: number, x: number, c: BusinessCalendar): number => addBusinessTime(t, x, c).getTime();

/** Wall-clock reading of an instant, straight from Intl (independent of the code under test). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string, t: number): { date: string; day: number; wallMs: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const wallMs =
    Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    ) +
    (((t % 1000) + 1000) % 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday ?? '');
  return { date: `${p.year}-${p.month}-${p.day}`, day, wallMs };
}
const toMinutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

describe('properties', () => {
  it('1. add(add(t, x), y) === add(t, x + y)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1, x, y }) => {
        expect(add(add(t1, x, c), y, c)).toBe(add(t1, x + y, c));
      }),
      RUNS,
    );
  });

  it('2. businessTimeBetween(t, add(t, x)) === x', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1, x }) => {
        expect(businessTimeBetween(t1, add(t1, x, c), c)).toBe(x);
      }),
      RUNS,
    );
  });

  it('3. add is monotonic in the duration and in the start', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1, t2, x, y }) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        expect(add(t1, lo, c)).toBeLessThanOrEqual(add(t1, hi, c));
        const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
        expect(add(early, x, c)).toBeLessThanOrEqual(add(late, x, c));
        // Also for starts close together, where the interesting cases are.
        expect(add(early, x, c)).toBeLessThanOrEqual(add(early + (late % (3 * H)), x, c));
      }),
      RUNS,
    );
  });

  it('4. between(a, b) + between(b, c) === between(a, c), for any order', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1: a, t2: b, t3: d }) => {
        expect(businessTimeBetween(a, b, c) + businessTimeBetween(b, d, c)).toBe(
          businessTimeBetween(a, d, c),
        );
        // Never -0: an empty reversed span is plain 0.
        expect(businessTimeBetween(b, a, c)).toBe(0 - businessTimeBetween(a, b, c));
      }),
      RUNS,
    );
  });

  it('5. between never exceeds wall time; 24/7 equals plain difference', () => {
    const allDay = (timeZone: string): BusinessCalendar =>
      cal(timeZone, hours([0, 1, 2, 3, 4, 5, 6], '00:00', '24:00'));
    fc.assert(
      fc.property(scenarioArb, ({ c, t1: a, t2: b }) => {
        const between = businessTimeBetween(a, b, c);
        expect(Math.abs(between)).toBeLessThanOrEqual(Math.abs(b - a));
        expect(Math.sign(between) * Math.sign(b - a)).not.toBe(-1);
        expect(businessTimeBetween(a, b, allDay(c.timeZone))).toBe(b - a);
        expect(businessTimeBetween(a, b)).toBe(b - a);
        // businessIntervals covers exactly the business time.
        const [from, to] = a <= b ? [a, b] : [b, a];
        if (to - from < 120 * DAY) {
          const total = businessIntervals(from, to, c).reduce(
            (s, i) => s + (i.end.getTime() - i.start.getTime()),
            0,
          );
          expect(total).toBe(Math.abs(between));
        }
      }),
      RUNS,
    );
  });

  it('6. add(t, x) for x > 0 is open, or exactly a closing instant', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1, x }) => {
        fc.pre(x > 0);
        const u = add(t1, x, c);
        expect(isWithinBusinessHours(u - 1, c)).toBe(true);
        if (!isWithinBusinessHours(u, c)) expect(nextClosing(u - 1, c)?.getTime()).toBe(u);
      }),
      RUNS,
    );
  });

  it('7. away from DST changes, openness matches reading the wall clock directly', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, t1: t }) => {
        const offset = (x: number) => tzOffset(c.timeZone, new Date(x));
        fc.pre(offset(t - 2 * DAY) === offset(t + 2 * DAY));
        const w = wallClock(c.timeZone, t);
        const minutes = (w.wallMs - Math.floor(w.wallMs / DAY) * DAY) / MIN;
        const expected =
          !c.holidays.includes(w.date) &&
          c.weekly.some(
            (i) => i.day === w.day && toMinutes(i.start) <= minutes && minutes < toMinutes(i.end),
          );
        expect(isWithinBusinessHours(t, c)).toBe(expected);
        // nextOpening/nextClosing agree with isWithinBusinessHours.
        const opening = nextOpening(t, c);
        if (expected) expect(opening?.getTime()).toBe(t);
        else if (opening) expect(isWithinBusinessHours(opening, c)).toBe(true);
        const closing = nextClosing(t, c);
        if (closing) {
          expect(isWithinBusinessHours(closing, c)).toBe(false);
          expect(isWithinBusinessHours(closing.getTime() - 1, c)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('8. on DST-change days, intervals match a minute-by-minute scan of the wall clock', () => {
    // The documented rule, restated without offsets: an interval starts at the first instant whose
    // wall clock reads at least its start, and ends at the instant from which the wall clock never
    // again reads less than its end. Every change and every wall time is on a whole minute, so
    // scanning minutes is exact.
    const dstZones = ZONES.filter((z) => transitions(z).length > 0);
    const arb = calendarArb.chain((c0) =>
      fc.record({
        c: fc.constantFrom(...dstZones).map((timeZone) => ({ ...c0, timeZone })),
        index: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c, index }) => {
        const list = transitions(c.timeZone);
        const change = list[index % list.length] ?? 0;
        const changeDay = Math.floor(wallClock(c.timeZone, change).wallMs / DAY);
        // The day before the change to the day after, midnight to midnight (no change near either
        // midnight, so reading the offset at the wall time itself is safe): earlier and later days'
        // intervals cannot reach into this window.
        const first = changeDay - 1;
        const from = first * DAY - tzOffset(c.timeZone, new Date(first * DAY)) * MIN;
        const to = (first + 3) * DAY - tzOffset(c.timeZone, new Date((first + 3) * DAY)) * MIN;
        const scan: Array<{ t: number; wallMs: number }> = [];
        for (let t = from; t <= to; t += MIN) scan.push({ t, wallMs: wallClock(c.timeZone, t).wallMs });
        const expected: Array<[number, number]> = [];
        for (let day = first; day <= first + 2; day++) {
          const date = new Date(day * DAY).toISOString().slice(0, 10);
          if (c.holidays.includes(date)) continue;
          for (const i of c.weekly) {
            if (i.day !== (((day + 4) % 7) + 7) % 7) continue;
            const s = day * DAY + toMinutes(i.start) * MIN;
            const e = day * DAY + toMinutes(i.end) * MIN;
            const start = scan.find((p) => p.wallMs >= s)?.t ?? to;
            let lastBelow = -1;
            scan.forEach((p, k) => {
              if (p.wallMs < e) lastBelow = k;
            });
            const end = (scan[lastBelow]?.t ?? from - MIN) + MIN;
            if (end > start) expected.push([start, end]);
          }
        }
        expected.sort((a, b) => a[0] - b[0]);
        const union: Array<[number, number]> = [];
        for (const [s, e] of expected) {
          const last = union[union.length - 1];
          if (last && s <= last[1]) last[1] = Math.max(last[1], e);
          else union.push([s, e]);
        }
        const actual = businessIntervals(from, to, c).map((i): [number, number] => [
          i.start.getTime(),
          i.end.getTime(),
        ]);
        expect(actual.map((i) => i.map((x) => new Date(x).toISOString()))).toEqual(
          union.map((i) => i.map((x) => new Date(x).toISOString())),
        );
      }),
      { numRuns: 30 },
    );
  });
});
