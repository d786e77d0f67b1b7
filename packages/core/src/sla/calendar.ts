/**
 * Business-calendar arithmetic: pure functions over instants (epoch ms) and a
 * {@link BusinessCalendar}. No calendar means 24/7.
 *
 * How wall-clock intervals become real time, in the calendar's zone (offsets from `@date-fns/tz`):
 * - A wall time skipped by a spring-forward change maps to the instant right after the gap, so on
 *   America/New_York's spring-forward day 01:00-04:00 is 2 h and 02:00-02:30 is empty.
 * - A wall time that a fall-back change repeats maps to its first occurrence when it starts an
 *   interval and to its second when it ends one, so an interval holds all real time between its
 *   wall times: 01:00-04:00 on fall-back day is 4 h. Periods that then overlap count once.
 * - `24:00` is the next day's midnight, so `24:00` touching a next-day `00:00` is one period; a
 *   holiday closes its own local day only, never the end of the previous day's `24:00` interval.
 */
import { tzOffset } from '@date-fns/tz';
import type { BusinessCalendar } from './calendar.schema';

/**
 * An instant: a `Date`, epoch milliseconds, or an ISO-8601 string that carries its own offset
 * (`Z` or `±HH:MM`).
 */
export type InstantLike = Date | number | string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How many consecutive local days without any opening we search before concluding a calendar
 * never opens. Only reachable through holidays (the schema demands at least one weekly interval),
 * so three years is far beyond any real closure and still cheap to walk.
 */
const HORIZON_DAYS = 3 * 366;

/**
 * Real UTC offsets lie in [-12 h, +14 h]; one hour of slack either side keeps the probes outside
 * any instant a wall time of the day in question can map to.
 */
const BEFORE_PROBE = 15 * HOUR;
const AFTER_PROBE = 13 * HOUR;

// A zone-less date-time would be read in the host's zone, which would make results depend on
// the machine; date-only strings are ambiguous about which zone's midnight is meant. Parsed by
// hand because engines disagree on what Date.parse accepts beyond the strict ES format.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const WALL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CompiledCalendar {
  readonly timeZone: string;
  /** Per weekday (0 = Sunday), disjoint non-touching [startMinute, endMinute) pairs, sorted. */
  readonly days: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Nominal business time of one week without DST changes or holidays. */
  readonly weekMs: number;
  /** Holidays as local day numbers (days since 1970-01-01 in the calendar's wall clock). */
  readonly holidays: ReadonlySet<number>;
}

function toMs(value: InstantLike, what: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = new Date(value).getTime();
  else if (typeof value === 'string') ms = parseIsoInstant(value);
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid instant: ${String(value)}`);
  return ms;
}

function parseIsoInstant(value: string): number {
  const m = ISO_INSTANT.exec(value);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Rolling 2024-02-30 over to March would silently move the instant; reject it.
  if (date.getUTCDate() !== day) return Number.NaN;
  date.setUTCHours(hour, minute, second, ms);
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * MINUTE;
  return date.getTime() - offset;
}

function parseWallTime(value: string): number {
  const m = WALL_TIME.exec(value);
  if (!m) throw new RangeError(`not a wall time (HH:MM): ${value}`);
  return m[3] ? 24 * 60 : Number(m[1]) * 60 + Number(m[2]);
}

function parseLocalDate(value: string): number {
  const m = LOCAL_DATE.exec(value);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999, so a schema-valid holiday like
  // 0001-01-01 threw here, and every ticket under that calendar failed with a 500.
  const ms = m ? new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2024-02-30 over to March; a holiday that silently moves is worse than an error.
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new RangeError(`not a local date (YYYY-MM-DD): ${value}`);
  }
  return ms / DAY;
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const { timeZone } = calendar;
  if (typeof timeZone !== 'string' || Number.isNaN(tzOffset(timeZone, new Date(0)))) {
    throw new RangeError(`unknown time zone: ${String(timeZone)}`);
  }
  const raw: Array<Array<[number, number]>> = [[], [], [], [], [], [], []];
  for (const interval of calendar.weekly) {
    const start = parseWallTime(interval.start);
    const end = parseWallTime(interval.end);
    const list = raw[interval.day];
    if (!list || !Number.isInteger(interval.day)) throw new RangeError(`not a weekday: ${interval.day}`);
    if (start >= end) {
      throw new RangeError(`interval ${interval.start}-${interval.end} does not end after it starts`);
    }
    list.push([start, end]);
  }
  let weekMinutes = 0;
  // Merging touching intervals too means each day yields the fewest, longest periods.
  const days = raw.map((list) => {
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [s, e] of list) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    for (const [s, e] of merged) weekMinutes += e - s;
    return merged;
  });
  const holidays = new Set<number>();
  for (const h of calendar.holidays ?? []) holidays.add(parseLocalDate(h));
  return { timeZone, days, weekMs: weekMinutes * MINUTE, holidays };
}

/** The zone's UTC offset at `t`, in ms (historical offsets can carry seconds, hence the rounding). */
function offsetAt(timeZone: string, t: number): number {
  return Math.round(tzOffset(timeZone, new Date(t)) * MINUTE);
}

/** The local day number (days since 1970-01-01 on the wall clock) that contains instant `t`. */
function localDay(cal: CompiledCalendar, t: number): number {
  return Math.floor((t + offsetAt(cal.timeZone, t)) / DAY);
}

/** 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The instant a wall-clock time (given as epoch ms of that wall time read as if it were UTC) maps
 * to in the calendar's zone. Wall times in a spring-forward gap map to the instant right after the
 * gap: they do not exist, and the first real instant after them is when the clock says "at least
 * that late". Fall-back wall times that occur twice map to their first occurrence as an interval
 * start and their second as an interval end, so an interval holds all real time between its wall
 * times. Assumes at most one offset change within a day of the wall time, true of every zone
 * today.
 */
function wallToInstant(timeZone: string, wall: number, side: 'start' | 'end'): number {
  const before = offsetAt(timeZone, wall - BEFORE_PROBE);
  const after = offsetAt(timeZone, wall + AFTER_PROBE);
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyOk = offsetAt(timeZone, early) === before;
  const lateOk = offsetAt(timeZone, late) === after;
  if (earlyOk && lateOk) return side === 'start' ? Math.min(early, late) : Math.max(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // In a gap: `late` is before the transition and `early` after it; find the transition itself.
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The opening periods of one local day as instants, sorted by start (they may overlap in a fall-back). */
function dayIntervals(cal: CompiledCalendar, day: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  if (cal.holidays.has(day)) return out;
  const minutes = cal.days[weekday(day)] ?? [];
  if (minutes.length === 0) return out;
  const base = day * DAY;
  const before = offsetAt(cal.timeZone, base - BEFORE_PROBE);
  const after = offsetAt(cal.timeZone, base + DAY + AFTER_PROBE);
  for (const [s, e] of minutes) {
    // Most days have no offset change: skip the per-endpoint probing then.
    const start =
      before === after ? base + s * MINUTE - before : wallToInstant(cal.timeZone, base + s * MINUTE, 'start');
    const end =
      before === after ? base + e * MINUTE - before : wallToInstant(cal.timeZone, base + e * MINUTE, 'end');
    if (end > start) out.push([start, end]);
  }
  return out;
}

interface WalkOptions {
  /** Stop once no later opening can start before this instant (bounded walks need no horizon). */
  until?: number;
  /**
   * Offered a whole regular week (fixed offset, no holidays, nothing counted of it yet); return
   * true to take it as `totalMs` of business time in one step, false to walk it day by day.
   */
  onWeek?: (start: number, end: number, totalMs: number) => boolean;
  /** Each opening period from `from` on, disjoint from earlier ones; return true to stop. */
  onInterval: (start: number, end: number) => boolean;
}

/**
 * Walks opening periods forward from `from`, day by day (week by week when the consumer allows),
 * clipping each to start no earlier than `from` or than the end of the previous one so overlaps
 * (from fall-back ambiguity or across midnight) are never counted twice. Returns false if it gave
 * up after `HORIZON_DAYS` days without any opening.
 */
function walk(cal: CompiledCalendar, from: number, options: WalkOptions): boolean {
  const { until, onWeek, onInterval } = options;
  let pos = from;
  // Start a day early: the previous local day's last period can reach past `from`.
  let day = localDay(cal, from) - 1;
  let idle = 0;
  for (;;) {
    if (until !== undefined && day * DAY - BEFORE_PROBE >= until) return true;
    if (onWeek && cal.weekMs > 0) {
      const before = offsetAt(cal.timeZone, day * DAY - BEFORE_PROBE);
      const weekStart = day * DAY - before;
      const weekEnd = (day + 7) * DAY - before;
      if (
        pos <= weekStart &&
        (until === undefined || weekEnd <= until) &&
        offsetAt(cal.timeZone, (day + 7) * DAY + AFTER_PROBE) === before &&
        !hasHolidayIn(cal, day, 7) &&
        onWeek(weekStart, weekEnd, cal.weekMs)
      ) {
        pos = weekEnd;
        day += 7;
        idle = 0;
        continue;
      }
    }
    const intervals = dayIntervals(cal, day);
    for (const [s, e] of intervals) {
      const start = Math.max(s, pos);
      if (e <= start) continue;
      pos = e;
      if (onInterval(start, e)) return true;
    }
    idle = intervals.length > 0 ? 0 : idle + 1;
    if (until === undefined && idle > HORIZON_DAYS) return false;
    day += 1;
  }
}

function hasHolidayIn(cal: CompiledCalendar, firstDay: number, count: number): boolean {
  if (cal.holidays.size === 0) return false;
  for (let d = firstDay; d < firstDay + count; d++) if (cal.holidays.has(d)) return true;
  return false;
}

/**
 * The instant `durationMs` of business time after `start`: the smallest instant `u` with
 * `businessTimeBetween(start, u) === durationMs`. So a due time that lands exactly on a closing
 * instant is that closing instant, not the next opening; a zero duration returns `start` even
 * outside business hours. Without a calendar time runs 24/7 and this is plain addition.
 *
 * Whole regular weeks are skipped in one step, so long durations cost a few probes per week.
 *
 * @throws RangeError if `durationMs` is negative, non-finite or not a whole number of
 *   milliseconds (subtracting business time is not supported; a `Date` cannot hold fractions),
 *   if `start` is not a valid instant, or if the calendar has no opening for three years.
 */
export function addBusinessTime(
  start: InstantLike,
  durationMs: number,
  calendar?: BusinessCalendar | null,
): Date {
  const from = toMs(start, 'start');
  if (!Number.isFinite(durationMs) || !Number.isInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a non-negative whole number of ms, got ${durationMs}`);
  }
  if (!calendar) return checkedDate(from + durationMs);
  if (durationMs === 0) return new Date(from);
  const cal = compile(calendar);
  let remaining = durationMs;
  let result = Number.NaN;
  const found = walk(cal, from, {
    // Strictly greater: a due time exactly at the week's end must still be placed precisely.
    onWeek: (_s, _e, total) => {
      if (remaining <= total) return false;
      remaining -= total;
      return true;
    },
    onInterval: (s, e) => {
      if (remaining <= e - s) {
        result = s + remaining;
        return true;
      }
      remaining -= e - s;
      return false;
    },
  });
  if (!found) throw new RangeError(`calendar ${calendar.id} has no opening within ${HORIZON_DAYS} days`);
  return checkedDate(result);
}

function checkedDate(ms: number): Date {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new RangeError('result is outside the range of Date');
  return date;
}

/**
 * Business time in ms between two instants: the length of the calendar's opening periods within
 * `[start, end)`. Signed: if `end` is before `start` the result is the negative of
 * `businessTimeBetween(end, start)`, so spans add up (`between(a, b) + between(b, c) === between(a, c)`).
 * Without a calendar it is the plain difference.
 *
 * @throws RangeError if an argument is not a valid instant.
 */
export function businessTimeBetween(
  start: InstantLike,
  end: InstantLike,
  calendar?: BusinessCalendar | null,
): number {
  const a = toMs(start, 'start');
  const b = toMs(end, 'end');
  if (!calendar) return b - a;
  if (a === b) return 0;
  const cal = compile(calendar);
  // `0 - x` rather than `-x`: an empty reverse span must be 0, not -0.
  return a < b ? measure(cal, a, b) : 0 - measure(cal, b, a);
}

function measure(cal: CompiledCalendar, from: number, to: number): number {
  let total = 0;
  walk(cal, from, {
    until: to,
    onWeek: (_s, _e, weekTotal) => {
      total += weekTotal;
      return true;
    },
    onInterval: (s, e) => {
      if (s >= to) return true;
      total += Math.min(e, to) - s;
      return e >= to;
    },
  });
  return total;
}

/**
 * Whether business time is running at `at`. Opening periods are half-open: open at an opening
 * instant, closed at a closing instant (unless another period starts right then). Without a
 * calendar it is always true.
 *
 * @throws RangeError if `at` is not a valid instant.
 */
export function isWithinBusinessHours(at: InstantLike, calendar?: BusinessCalendar | null): boolean {
  const t = toMs(at, 'at');
  if (!calendar) return true;
  let open = false;
  walk(compile(calendar), t, {
    until: t + 1,
    onInterval: (s) => {
      open = s === t;
      return true;
    },
  });
  return open;
}

/**
 * When business time next runs: `at` itself if open now, else the next opening instant. Returns
 * null only if the calendar has no opening within three years of search (only possible with
 * holidays covering every open day). Without a calendar it is `at`.
 *
 * @throws RangeError if `at` is not a valid instant.
 */
export function nextOpening(at: InstantLike, calendar?: BusinessCalendar | null): Date | null {
  const t = toMs(at, 'at');
  if (!calendar) return new Date(t);
  let result = null as number | null;
  walk(compile(calendar), t, {
    onInterval: (s) => {
      result = s;
      return true;
    },
  });
  return result === null ? null : new Date(result);
}

/**
 * When business time next stops: the end of the opening period containing `at`, or of the next
 * one if closed now. Contiguous periods (touching intervals, `24:00` followed by `00:00`) count as
 * one. Returns null without a calendar (24/7), when the period runs on past the three-year search
 * horizon (a calendar open around the clock), or when the calendar never opens.
 *
 * @throws RangeError if `at` is not a valid instant.
 */
export function nextClosing(at: InstantLike, calendar?: BusinessCalendar | null): Date | null {
  const t = toMs(at, 'at');
  if (!calendar) return null;
  const limit = t + HORIZON_DAYS * DAY;
  let end = null as number | null;
  let unbounded = false;
  walk(compile(calendar), t, {
    onInterval: (s, e) => {
      if (end !== null && s > end) return true;
      end = e;
      if (e > limit) {
        unbounded = true;
        return true;
      }
      return false;
    },
  });
  return end === null || unbounded ? null : new Date(end);
}

/**
 * The calendar's opening periods clipped to `[from, to)`, in order, contiguous ones merged into
 * one. Empty when `to` is not after `from`.
 *
 * @throws RangeError if an argument is not a valid instant.
 */
export function businessIntervals(
  from: InstantLike,
  to: InstantLike,
  calendar: BusinessCalendar,
): Array<{ start: Date; end: Date }> {
  const a = toMs(from, 'from');
  const b = toMs(to, 'to');
  const spans: Array<[number, number]> = [];
  if (b <= a) return [];
  walk(compile(calendar), a, {
    until: b,
    onInterval: (s, e) => {
      if (s >= b) return true;
      const last = spans[spans.length - 1];
      if (last && s <= last[1]) last[1] = Math.min(e, b);
      else spans.push([s, Math.min(e, b)]);
      return e >= b;
    },
  });
  return spans.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}
