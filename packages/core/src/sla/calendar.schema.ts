import * as z from 'zod/mini';
import { IdSchema, LocalDateSchema } from '../shared/primitives.schema';

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** A wall-clock time `HH:MM`, from `00:00` to `24:00` (the end of the day). */
export const WallTimeSchema = z.string().check(z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/));

/** One opening interval on a weekday: `day` 0 = Sunday … 6 = Saturday; `end` may be `24:00`. */
export const OpeningIntervalSchema = z
  .object({
    day: z.number().check(z.int(), z.minimum(0), z.maximum(6)),
    start: WallTimeSchema,
    end: WallTimeSchema,
  })
  .check(
    z.refine((i) => i.start < i.end, { message: 'an interval must end after it starts', path: ['end'] }),
  );
/** One opening interval. */
export type OpeningInterval = z.infer<typeof OpeningIntervalSchema>;

/**
 * A business calendar: an IANA time zone, weekly opening intervals (several a day allowed) and
 * holidays (whole local days closed). Business time only runs inside the intervals.
 */
export const BusinessCalendarSchema = z.object({
  id: IdSchema,
  name: z.optional(z.string().check(z.maxLength(200))),
  timeZone: z.string().check(z.refine(isTimeZone, { message: 'not an IANA time zone' })),
  weekly: z.array(OpeningIntervalSchema).check(z.minLength(1), z.maxLength(7 * 24)),
  holidays: z._default(z.array(LocalDateSchema), []),
});
/** A business calendar. */
export type BusinessCalendar = z.infer<typeof BusinessCalendarSchema>;
/** A business calendar as written by a user (holidays optional). */
export type BusinessCalendarInput = z.input<typeof BusinessCalendarSchema>;
