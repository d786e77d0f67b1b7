import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTranslator } from './create-translator';
import { durationParts } from './intl-format';
import { ar } from './messages/ar';
import { de } from './messages/de';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Tuesday 6 January 2026, 09:00 in Berlin (08:00 UTC), 03:00 in New York.
const NOW = Date.UTC(2026, 0, 6, 8, 0);

const english = createTranslator('en', undefined, { timeZone: 'Europe/Berlin', now: () => NOW });
const german = createTranslator('de', de, { timeZone: 'Europe/Berlin', now: () => NOW });
const arabic = createTranslator('ar', ar, { timeZone: 'Asia/Riyadh', now: () => NOW });

/** `Intl` as a runtime with (or without) `Intl.DurationFormat`; Intl's members are not enumerable. */
function withDurationFormat(DurationFormat: unknown): typeof Intl {
  return Object.assign(Object.create(Intl) as typeof Intl, { DurationFormat });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('durationParts', () => {
  it('shows two adjacent units at most, rounded to the smaller', () => {
    expect(durationParts(0)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(durationParts(45_400)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 45 });
    expect(durationParts(2 * HOUR + 29 * MIN + 40_000)).toEqual({
      days: 0,
      hours: 2,
      minutes: 30,
      seconds: 0,
    });
    expect(durationParts(59 * MIN + 59_000)).toEqual({ days: 0, hours: 1, minutes: 0, seconds: 0 });
    expect(durationParts(3 * DAY + 5 * HOUR + 31 * MIN)).toEqual({
      days: 3,
      hours: 6,
      minutes: 0,
      seconds: 0,
    });
    expect(durationParts(-90 * MIN)).toEqual({ days: 0, hours: 1, minutes: 30, seconds: 0 });
  });
});

describe('formatDuration', () => {
  it('falls back to unit number formats and a unit list where Intl.DurationFormat is missing', () => {
    vi.stubGlobal('Intl', withDurationFormat(undefined));
    const t = createTranslator('en');
    expect(t.formatDuration(0)).toBe('0 sec');
    expect(t.formatDuration(45_000)).toBe('45 sec');
    expect(t.formatDuration(2 * HOUR + 30 * MIN)).toBe('2 hr, 30 min');
    expect(t.formatDuration(3 * DAY + 5 * HOUR)).toBe('3 days, 5 hr');
    expect(t.formatDuration(4 * HOUR)).toBe('4 hr');
    const g = createTranslator('de', de);
    expect(g.formatDuration(2 * HOUR + 30 * MIN)).toBe('2 Std., 30 Min.');
    expect(g.formatDuration(1 * DAY)).toBe('1 Tg.');
    const a = createTranslator('ar', ar);
    expect(a.formatDuration(2 * HOUR + 30 * MIN)).toBe('2 س و30 د');
  });

  it('uses Intl.DurationFormat when the runtime has it', () => {
    const calls: { locale: string; options: unknown; duration: unknown }[] = [];
    class FakeDurationFormat {
      constructor(
        private readonly locale: string,
        private readonly options: unknown,
      ) {}
      format(duration: unknown) {
        calls.push({ locale: this.locale, options: this.options, duration });
        return 'native';
      }
    }
    vi.stubGlobal('Intl', withDurationFormat(FakeDurationFormat));
    const t = createTranslator('de', de);
    expect(t.formatDuration(2 * HOUR + 30 * MIN)).toBe('native');
    expect(t.formatDuration(0)).toBe('native');
    expect(calls).toEqual([
      { locale: 'de', options: { style: 'short' }, duration: { hours: 2, minutes: 30 } },
      { locale: 'de', options: { style: 'short', secondsDisplay: 'always' }, duration: { seconds: 0 } },
    ]);
  });
});

describe('formatDueIn', () => {
  it('reads relative when the deadline is near', () => {
    expect(english.formatDueIn(2 * HOUR)).toBe('Reply due in 2 hr.');
    expect(english.formatDueIn(5 * MIN)).toBe('Reply due in 5 min.');
    expect(english.formatDueIn(10_000)).toBe('Reply due in 1 min.');
    expect(german.formatDueIn(2 * HOUR)).toBe('Antwort fällig in 2 Std.');
    expect(arabic.formatDueIn(2 * HOUR)).toBe('الرد مستحق خلال ساعتين');
    expect(english.formatDueIn(90 * MIN, { kind: 'resolution' })).toBe('Resolution due in 2 hr.');
  });

  it('reads as a day and time in the zone when further away', () => {
    // 10:30 Berlin on Wednesday.
    expect(english.formatDueIn(25.5 * HOUR)).toBe('Reply due tomorrow at 10:30 AM');
    expect(german.formatDueIn(25.5 * HOUR)).toBe('Antwort fällig morgen um 10:30');
    // Friday.
    expect(german.formatDueIn(3 * DAY)).toBe('Antwort fällig am Freitag um 9:00');
    expect(arabic.formatDueIn(3 * DAY)).toBe('الرد مستحق يوم الجمعة الساعة 11:00 ص');
    // The same instant is still "today" in New York (22:00 Tuesday there).
    expect(english.formatDueIn(19 * HOUR, { timeZone: 'America/New_York' })).toBe(
      'Reply due today at 10:00 PM',
    );
    expect(english.formatDueIn(19 * HOUR)).toBe('Reply due tomorrow at 4:00 AM');
    // The threshold is an option.
    expect(english.formatDueIn(2 * HOUR, { relativeWithinMs: HOUR })).toBe('Reply due today at 11:00 AM');
    expect(english.formatDueIn(2 * HOUR, { now: Date.UTC(2026, 0, 6, 22, 30), relativeWithinMs: 0 })).toBe(
      'Reply due tomorrow at 1:30 AM',
    );
  });

  it('says how long a passed deadline is overdue', () => {
    expect(english.formatDueIn(-5 * MIN)).toBe('Reply overdue by 5 min');
    expect(german.formatDueIn(-(HOUR + 15 * MIN), { kind: 'resolution' })).toMatch(
      /^Lösung seit 1 Std\., 15 Min\. überfällig$/,
    );
  });
});

describe('formatNextOpening', () => {
  it('names today, tomorrow, a weekday within a week, else the date', () => {
    const at = (day: number, hourUtc: number) => Date.UTC(2026, 0, day, hourUtc, 0);
    expect(english.formatNextOpening(new Date(at(6, 15)), 'Europe/Berlin')).toBe('today at 4:00 PM');
    expect(english.formatNextOpening(at(7, 8), 'Europe/Berlin')).toBe('tomorrow at 9:00 AM');
    expect(german.formatNextOpening(at(12, 8), 'Europe/Berlin')).toBe('am Montag um 9:00');
    expect(german.formatNextOpening(at(20, 8), 'Europe/Berlin')).toBe('am 20. Jan. um 9:00');
    expect(german.formatNextOpening(Date.UTC(2027, 0, 20, 8), 'Europe/Berlin')).toBe(
      'am 20. Jan. 2027 um 9:00',
    );
    expect(arabic.formatNextOpening(at(7, 6), 'Asia/Riyadh')).toBe('غدًا الساعة 9:00 ص');
  });

  it('uses the given zone for the calendar day and the time', () => {
    // 09:00 Tokyo on Wednesday is 00:00 UTC, still Tuesday 19:00 in New York.
    const opening = Date.UTC(2026, 0, 7, 0, 0);
    expect(english.formatNextOpening(opening, 'Asia/Tokyo')).toBe('tomorrow at 9:00 AM');
    expect(english.formatNextOpening(opening, 'America/New_York')).toBe('today at 7:00 PM');
    // A later `now` option moves "today".
    expect(english.formatNextOpening(opening, 'Asia/Tokyo', { now: Date.UTC(2026, 0, 6, 16) })).toBe(
      'today at 9:00 AM',
    );
  });

  it('fills the out-of-hours notice', () => {
    const opening = german.formatNextOpening(Date.UTC(2026, 0, 7, 8), 'Europe/Berlin');
    expect(german.t('widget.hours.closed', { opening })).toBe(
      'Wir sind gerade nicht erreichbar. Wir sind morgen um 9:00 wieder da.',
    );
  });
});
