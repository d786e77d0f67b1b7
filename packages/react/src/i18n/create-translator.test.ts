import { describe, expect, it } from 'vitest';
import { createTranslator } from './create-translator';
import { TierdeskI18nError } from './errors';
import { getBuiltinMessages } from './get-builtin-messages';
import { localeDir } from './locale-dir';
import { ar } from './messages/ar';
import { de } from './messages/de';
import { en } from './messages/en';

describe('createTranslator', () => {
  it('interpolates {name} placeholders, formatting numbers for the locale', () => {
    const english = createTranslator('en');
    expect(english.t('widget.search.noResults', { query: 'refund' })).toBe('No articles match “refund”.');
    expect(english.t('widget.form.error.messageTooLong', { max: 10000 })).toBe(
      'Keep the message under 10,000 characters.',
    );
    expect(createTranslator('de', de).t('widget.form.error.messageTooLong', { max: 10000 })).toBe(
      'Die Nachricht darf höchstens 10.000 Zeichen lang sein.',
    );
    expect(createTranslator('ar', ar).t('widget.conversation.newMessage', { name: 'ليلى' })).toBe(
      'رسالة جديدة من ليلى',
    );
    expect(english.t('widget.panel.title')).toBe('Help');
  });

  it('leaves a placeholder without a value visible instead of inventing one', () => {
    const t = createTranslator('en').t as (key: string, values?: Record<string, string>) => string;
    expect(t('widget.search.noResults', {})).toBe('No articles match “{query}”.');
  });

  it('selects plural forms with Intl.PluralRules: en and de', () => {
    const english = createTranslator('en');
    const german = createTranslator('de', de);
    expect([0, 1, 2, 1000].map((count) => english.t('agent.queue.count', { count }))).toEqual([
      '0 tickets',
      '1 ticket',
      '2 tickets',
      '1,000 tickets',
    ]);
    expect([0, 1, 2, 1.5].map((count) => german.t('widget.launcher.unread', { count }))).toEqual([
      '0 neue Nachrichten',
      '1 neue Nachricht',
      '2 neue Nachrichten',
      '1,5 neue Nachrichten',
    ]);
  });

  it('selects all six Arabic plural forms', () => {
    const arabic = createTranslator('ar', ar);
    expect([0, 1, 2, 3, 10, 11, 99, 100].map((count) => arabic.t('agent.queue.count', { count }))).toEqual([
      'لا توجد تذاكر',
      'تذكرة واحدة',
      'تذكرتان',
      '3 تذاكر',
      '10 تذاكر',
      '11 تذكرة',
      '99 تذكرة',
      '100 تذكرة',
    ]);
  });

  it('uses `other` when a catalog lacks the category or the count is not a number', () => {
    const t = createTranslator('ar', { 'agent.queue.count': { other: '{count} tickets (ar)' } });
    expect(t.t('agent.queue.count', { count: 1 })).toBe('1 tickets (ar)');
    const loose = t.t as (key: string, values?: Record<string, string>) => string;
    expect(loose('agent.queue.count', { count: 'many' })).toBe('many tickets (ar)');
  });

  it('takes messages from the overrides, then English; an unknown key comes back as itself', () => {
    const t = createTranslator('en', { 'widget.panel.title': 'Support' });
    expect(t.t('widget.panel.title')).toBe('Support');
    expect(t.t('widget.contact')).toBe(en['widget.contact']);
    const partialGerman = createTranslator('de', { 'widget.contact': 'Support kontaktieren' });
    expect(partialGerman.t('widget.contact')).toBe('Support kontaktieren');
    expect(partialGerman.t('widget.panel.title')).toBe('Help');
    expect((t.t as (key: string) => string)('widget.nope')).toBe('widget.nope');
  });

  it('types the values each message needs', () => {
    const t = createTranslator('en');
    // @ts-expect-error `query` is required by this message
    t.t('widget.search.noResults');
    // @ts-expect-error `count` is required by plural messages
    t.t('agent.queue.count', {});
    // @ts-expect-error no such key
    t.t('widget.nope');
    expect(t.t('widget.contact')).toBe('Contact support');
  });

  it('canonicalises the locale and knows its direction', () => {
    expect(createTranslator('DE-at').locale).toBe('de-AT');
    expect(createTranslator('de').dir).toBe('ltr');
    expect(createTranslator('ar-EG', ar).dir).toBe('rtl');
    expect(localeDir('he')).toBe('rtl');
    expect(localeDir('fa-IR')).toBe('rtl');
    expect(localeDir('az-Arab')).toBe('rtl');
    expect(localeDir('en-US')).toBe('ltr');
  });

  it('throws typed errors for a malformed locale or time zone', () => {
    expect(() => createTranslator('not a locale!')).toThrow(TierdeskI18nError);
    expect(() => createTranslator('')).toThrowError(expect.objectContaining({ code: 'invalid_locale' }));
    expect(() => createTranslator('en', undefined, { timeZone: 'Mars/Olympus' })).toThrowError(
      expect.objectContaining({ code: 'invalid_time_zone' }),
    );
    expect(() => createTranslator('en').formatNextOpening(0, 'Nowhere/City')).toThrowError(
      expect.objectContaining({ name: 'TierdeskI18nError', code: 'invalid_time_zone' }),
    );
  });

  it('finds the built-in catalog by language', () => {
    expect(getBuiltinMessages('de-AT')).toBe(de);
    expect(getBuiltinMessages('ar_SA')).toBe(ar);
    expect(getBuiltinMessages('en-GB')).toBe(en);
    expect(getBuiltinMessages('fr')).toBeUndefined();
  });
});
