// Locale formatting built on `Intl` only (no date library ships in the widget).

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The parts a duration is shown in. */
export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/**
 * Splits a duration into at most two adjacent units, rounded to the smaller one: days + hours from
 * one day, hours + minutes from one hour, minutes from one minute, else seconds.
 */
export function durationParts(ms: number): DurationParts {
  const abs = Math.abs(ms);
  const step = abs >= DAY_MS ? HOUR_MS : abs >= MINUTE_MS ? MINUTE_MS : 1000;
  let rest = Math.round(abs / step) * step;
  const days = rest >= DAY_MS ? Math.floor(rest / DAY_MS) : 0;
  rest -= days * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = days > 0 ? 0 : Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = days > 0 || hours > 0 || minutes > 0 ? 0 : Math.round(rest / 1000);
  return { days, hours, minutes, seconds };
}

interface DurationFormatLike {
  format(duration: Partial<DurationParts>): string;
}
type DurationFormatConstructor = new (
  locale: string,
  options: { style: 'short'; secondsDisplay?: 'always' },
) => DurationFormatLike;

/** A per-translator cache of `Intl` formatters: constructing them is the expensive part. */
export type FormatterCache = Map<string, unknown>;

function cached<T>(cache: FormatterCache, key: string, create: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    cache.set(key, value);
  }
  return value;
}

/** A duration for people: "2 hr, 30 min". Uses `Intl.DurationFormat` where the runtime has it. */
export function formatDurationParts(locale: string, ms: number, cache: FormatterCache): string {
  const parts = durationParts(ms);
  const shown: Partial<DurationParts> = {};
  for (const unit of ['days', 'hours', 'minutes', 'seconds'] as const) {
    if (parts[unit] > 0) shown[unit] = parts[unit];
  }
  const zero = Object.keys(shown).length === 0;
  if (zero) shown.seconds = 0;
  // Read at call time, not import time: support differs per runtime and tests stub it.
  const DurationFormat = (Intl as unknown as { DurationFormat?: DurationFormatConstructor }).DurationFormat;
  if (DurationFormat) {
    const format = cached(cache, `duration:${zero}`, () =>
      zero
        ? new DurationFormat(locale, { style: 'short', secondsDisplay: 'always' })
        : new DurationFormat(locale, { style: 'short' }),
    );
    return format.format(shown);
  }
  const texts = Object.entries(shown).map(([unit, value]) =>
    cached(
      cache,
      `unit:${unit}`,
      () => new Intl.NumberFormat(locale, { style: 'unit', unit: unit.slice(0, -1), unitDisplay: 'short' }),
    ).format(value),
  );
  return cached(
    cache,
    'list:unit',
    () => new Intl.ListFormat(locale, { type: 'unit', style: 'short' }),
  ).format(texts);
}

/** A relative phrase for a future span: "in 5 min.", "in 2 hr.", "in 3 days". */
export function formatRelativeSpan(locale: string, ms: number, cache: FormatterCache): string {
  const format = cached(
    cache,
    'relative',
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'short' }),
  );
  if (ms < HOUR_MS) return format.format(Math.max(1, Math.round(ms / MINUTE_MS)), 'minute');
  if (ms < 2 * DAY_MS) return format.format(Math.round(ms / HOUR_MS), 'hour');
  return format.format(Math.round(ms / DAY_MS), 'day');
}

/** The calendar day of an instant in a zone, as days since the epoch. */
export function calendarDay(at: number, timeZone: string | undefined, cache: FormatterCache): number {
  const format = cached(
    cache,
    `day:${timeZone}`,
    () => new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }),
  );
  const part = (type: string) => Number(format.formatToParts(at).find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS;
}

/** Which phrase describes an instant relative to now. */
export type WhenPhrase =
  | { kind: 'today' | 'tomorrow'; time: string }
  | { kind: 'weekday'; weekday: string; time: string }
  | { kind: 'date'; date: string; time: string };

/** Describes an instant for people: today / tomorrow / a weekday within a week / a date, plus its time. */
export function whenPhrase(
  locale: string,
  at: number,
  now: number,
  timeZone: string | undefined,
  cache: FormatterCache,
): WhenPhrase {
  const format = (key: string, options: Intl.DateTimeFormatOptions) =>
    cached(
      cache,
      `${key}:${timeZone}`,
      () => new Intl.DateTimeFormat(locale, { ...options, timeZone }),
    ).format(at);
  const time = format('time', { hour: 'numeric', minute: '2-digit' });
  const day = calendarDay(at, timeZone, cache);
  const today = calendarDay(now, timeZone, cache);
  const days = day - today;
  if (days === 0) return { kind: 'today', time };
  if (days === 1) return { kind: 'tomorrow', time };
  if (days > 1 && days < 7) return { kind: 'weekday', weekday: format('weekday', { weekday: 'long' }), time };
  const sameYear = new Date(day * DAY_MS).getUTCFullYear() === new Date(today * DAY_MS).getUTCFullYear();
  const date = sameYear
    ? format('date', { month: 'short', day: 'numeric' })
    : format('dateYear', { year: 'numeric', month: 'short', day: 'numeric' });
  return { kind: 'date', date, time };
}
