import { TierdeskI18nError } from './errors';
import type {
  FormatDueOptions,
  Message,
  MessageArgs,
  MessageKey,
  MessageOverrides,
  MessageValue,
  Translator,
  TranslatorOptions,
} from './i18n.types';
import {
  type FormatterCache,
  formatDurationParts,
  formatRelativeSpan,
  type WhenPhrase,
  whenPhrase,
} from './intl-format';
import { localeDir } from './locale-dir';

const DEFAULT_RELATIVE_WITHIN_MS = 12 * 3_600_000;

function canonicalLocale(locale: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    if (canonical !== undefined) return canonical;
  } catch (error) {
    throw new TierdeskI18nError('invalid_locale', `"${locale}" is not a BCP 47 locale tag.`, error);
  }
  throw new TierdeskI18nError('invalid_locale', 'A locale tag is required.');
}

function checkTimeZone(timeZone: string | undefined): string | undefined {
  if (timeZone === undefined) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch (error) {
    throw new TierdeskI18nError('invalid_time_zone', `"${timeZone}" is not an IANA time zone.`, error);
  }
}

/**
 * The translator behind `createTranslator`, with the English fallback catalog given: the full one for
 * hosts, only the common part for the widget (so the widget never bundles the agent console's words).
 */
export function buildTranslator(
  locale: string,
  overrides: MessageOverrides | undefined,
  fallback: Partial<Record<MessageKey, Message>>,
  options: TranslatorOptions = {},
): Translator {
  const tag = canonicalLocale(locale);
  const zone = checkTimeZone(options.timeZone);
  const clock = options.now ?? Date.now;
  const cache: FormatterCache = new Map();
  const plurals = new Intl.PluralRules(tag);
  const numbers = new Intl.NumberFormat(tag);

  function message(key: MessageKey): Message | undefined {
    return overrides?.[key] ?? fallback[key];
  }

  function translate(key: MessageKey, values?: Readonly<Record<string, MessageValue>>): string {
    const found = message(key);
    if (found === undefined) return key;
    let text: string;
    if (typeof found === 'string') text = found;
    else {
      const count = Number(values?.count);
      text = (Number.isFinite(count) ? found[plurals.select(count)] : undefined) ?? found.other;
    }
    if (!values) return text;
    return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
      const value = values[name];
      if (value === undefined) return placeholder;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  }

  function phrase(when: WhenPhrase): string {
    switch (when.kind) {
      case 'today':
        return translate('time.todayAt', when);
      case 'tomorrow':
        return translate('time.tomorrowAt', when);
      case 'weekday':
        return translate('time.weekdayAt', when);
      default:
        return translate('time.dateAt', when);
    }
  }

  const formatDuration = (ms: number) => formatDurationParts(tag, ms, cache);

  return {
    locale: tag,
    dir: localeDir(tag),
    timeZone: zone,
    t: <K extends MessageKey>(key: K, ...args: MessageArgs<K>) =>
      translate(key, args[0] as Readonly<Record<string, MessageValue>> | undefined),
    formatNumber: (value, numberOptions) =>
      numberOptions ? new Intl.NumberFormat(tag, numberOptions).format(value) : numbers.format(value),
    formatDuration,
    formatDueIn(dueInMs: number, dueOptions: FormatDueOptions = {}) {
      const kind = dueOptions.kind ?? 'reply';
      if (dueInMs < 0) return translate(`due.${kind}.overdue`, { duration: formatDuration(-dueInMs) });
      if (dueInMs <= (dueOptions.relativeWithinMs ?? DEFAULT_RELATIVE_WITHIN_MS)) {
        return translate(`due.${kind}.in`, { relative: formatRelativeSpan(tag, dueInMs, cache) });
      }
      const now = dueOptions.now ?? clock();
      const timeZone = dueOptions.timeZone === undefined ? zone : checkTimeZone(dueOptions.timeZone);
      return translate(`due.${kind}.at`, {
        when: phrase(whenPhrase(tag, now + dueInMs, now, timeZone, cache)),
      });
    },
    formatNextOpening(date, timeZone, timeOptions = {}) {
      const zoneUsed = timeZone === undefined ? zone : checkTimeZone(timeZone);
      const at = typeof date === 'number' ? date : date.getTime();
      return phrase(whenPhrase(tag, at, timeOptions.now ?? clock(), zoneUsed, cache));
    },
  };
}
