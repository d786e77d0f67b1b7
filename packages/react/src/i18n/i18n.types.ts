import type { TextDirection } from '../theme/theme.types';
import type { en } from './messages/en';
import type { enCommon } from './messages/en.common';

/** A key of the message catalogs (`'widget.search.placeholder'`, `'agent.queue.title'`, …). */
export type MessageKey = keyof typeof en;

/**
 * A plural message: one form per `Intl.PluralRules` category of the locale, selected by the
 * `count` value; `other` is always required.
 */
export interface PluralMessage {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/** A catalog message: a string with `{name}` placeholders, or plural forms. */
export type Message = string | PluralMessage;

/** A complete catalog: every key, with the plain/plural shape of the English message. */
export type Messages = {
  readonly [K in MessageKey]: (typeof en)[K] extends string ? string : PluralMessage;
};

/** The widget's part of a catalog: every key but the agent components' (`deCommon`, `arCommon`). */
export type CommonMessages = {
  readonly [K in keyof typeof enCommon]: (typeof enCommon)[K] extends string ? string : PluralMessage;
};

/** Messages that replace the catalog's (for a locale without a built-in catalog, or wording tweaks). */
export type MessageOverrides = Partial<Messages>;

/** The `{name}` placeholders of a message text. */
type PlaceholdersOf<S> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersOf<Rest>
  : never;

/** The placeholder names of a key's English message (plural messages: of every form). */
export type MessagePlaceholders<K extends MessageKey> = (typeof en)[K] extends string
  ? PlaceholdersOf<(typeof en)[K]>
  : PlaceholdersOf<(typeof en)[K][keyof (typeof en)[K]]> | 'count';

/** A value interpolated into a message: numbers are formatted for the locale. */
export type MessageValue = string | number;

/** The values a key needs: one per placeholder (`count` for plurals). */
export type MessageValues<K extends MessageKey> = { readonly [P in MessagePlaceholders<K>]: MessageValue };

/** `t`'s arguments after the key: nothing for a message without placeholders, else its values. */
export type MessageArgs<K extends MessageKey> = [MessagePlaceholders<K>] extends [never]
  ? []
  : [values: MessageValues<K>];

/** Options of `createTranslator`. */
export interface TranslatorOptions {
  /** IANA zone for dates and times (`Europe/Berlin`); the runtime's zone when omitted. */
  readonly timeZone?: string | undefined;
  /** The clock for relative phrases, epoch ms; `Date.now` when omitted (inject for tests and SSR). */
  readonly now?: (() => number) | undefined;
}

/** Which deadline `formatDueIn` describes. */
export type DueKind = 'reply' | 'resolution';

/** Options of the date helpers: the zone and the reference time override the translator's. */
export interface FormatTimeOptions {
  readonly timeZone?: string | undefined;
  /** Reference instant, epoch ms. */
  readonly now?: number | undefined;
}

/** Options of `formatDueIn`. */
export interface FormatDueOptions extends FormatTimeOptions {
  /** `'reply'` (default) or `'resolution'`. */
  readonly kind?: DueKind | undefined;
  /** Up to this many ms ahead the deadline reads relative ("in 2 hr"); beyond, as a time. Default 12 h. */
  readonly relativeWithinMs?: number | undefined;
}

/** Translates keys and formats numbers, dates and durations for one locale. */
export interface Translator {
  /** The BCP 47 locale used for plurals and every `Intl` formatter. */
  readonly locale: string;
  /** The locale's writing direction. */
  readonly dir: TextDirection;
  /** The time zone of dates and times, if fixed. */
  readonly timeZone: string | undefined;
  /** The message for `key` with its placeholders filled; plural messages select on `count`. */
  t<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string;
  /** A number in the locale's notation. */
  formatNumber(value: number, options?: Intl.NumberFormatOptions): string;
  /**
   * A deadline `dueInMs` from now: "Reply due in 2 hr." when near, "Reply due tomorrow at 10:30 AM"
   * when further, "Reply overdue by 5 min" when passed.
   */
  formatDueIn(dueInMs: number, options?: FormatDueOptions): string;
  /** A duration such as "2 hr, 30 min" (`Intl.DurationFormat` where available). */
  formatDuration(ms: number): string;
  /** When business hours resume: "tomorrow at 9:00 AM", "on Monday at 9:00 AM", "on Jan 20 at …". */
  formatNextOpening(
    date: Date | number,
    timeZone?: string,
    options?: Omit<FormatTimeOptions, 'timeZone'>,
  ): string;
}
