import { SLA_METRICS, TICKET_PRIORITIES, TICKET_STATUSES } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import type { Message, Messages } from '../i18n.types';
import { ar } from './ar';
import { de } from './de';
import { en } from './en';

// Catalog parity: every catalog has exactly English's keys, the same plain/plural shape, the same
// placeholders, and a form for every plural category its locale distinguishes.

function placeholders(message: Message): Set<string> {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  return new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)));
}

/** Every parity problem of `catalog` against English, as readable lines (empty when in parity). */
function parityProblems(locale: string, catalog: Readonly<Record<string, Message>>): string[] {
  const problems: string[] = [];
  const reference = en as Readonly<Record<string, Message>>;
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  for (const key of Object.keys(reference)) {
    const source = reference[key] as Message;
    const message = catalog[key];
    if (message === undefined) {
      problems.push(`${key}: missing`);
      continue;
    }
    if (typeof source !== typeof message) {
      problems.push(`${key}: ${typeof source === 'string' ? 'plain' : 'plural'} in en`);
      continue;
    }
    const texts = typeof message === 'string' ? [message] : Object.values(message);
    if (texts.some((text) => text.trim() === '')) problems.push(`${key}: empty text`);
    const expected = [...placeholders(source)].sort().join(',');
    const actual = [...placeholders(message)].sort().join(',');
    if (expected !== actual) problems.push(`${key}: placeholders {${actual}} instead of {${expected}}`);
    if (typeof message !== 'string') {
      for (const category of categories) {
        if (!(category in message)) problems.push(`${key}: no "${category}" form`);
      }
      for (const form of Object.keys(message)) {
        if (!(categories as readonly string[]).includes(form)) {
          problems.push(`${key}: "${form}" is not a plural category of ${locale}`);
        }
      }
    }
  }
  for (const key of Object.keys(catalog)) {
    if (!(key in reference)) problems.push(`${key}: not an English key`);
  }
  return problems;
}

const catalogs: [string, Messages][] = [
  ['en', en],
  ['de', de],
  ['ar', ar],
];

describe('message catalogs', () => {
  for (const [locale, catalog] of catalogs) {
    it(`${locale} has every key, placeholder and plural form of en`, () => {
      expect(parityProblems(locale, catalog)).toEqual([]);
    });
  }

  it('the parity check catches a missing key, a renamed placeholder, a missing plural form and an extra key', () => {
    const { 'widget.search.placeholder': _dropped, ...withoutKey } = de;
    expect(parityProblems('de', withoutKey)).toEqual(['widget.search.placeholder: missing']);
    expect(parityProblems('de', { ...de, 'widget.search.noResults': 'Nichts zu „{qeury}“.' })).toEqual([
      'widget.search.noResults: placeholders {qeury} instead of {query}',
    ]);
    const { few: _few, ...unreadWithoutFew } = ar['widget.launcher.unread'] as Exclude<Message, string>;
    expect(parityProblems('ar', { ...ar, 'widget.launcher.unread': unreadWithoutFew })).toEqual([
      'widget.launcher.unread: no "few" form',
    ]);
    expect(parityProblems('de', { ...de, 'widget.extra': 'x' })).toEqual([
      'widget.extra: not an English key',
    ]);
    expect(parityProblems('de', { ...de, 'agent.queue.count': 'Tickets' })).toEqual([
      'agent.queue.count: plural in en',
    ]);
  });

  it('covers the strings the widget and the agent components need', () => {
    const keys = Object.keys(en);
    for (const prefix of [
      'widget.launcher.',
      'widget.search.placeholder',
      'widget.search.noResults',
      'widget.article.helpful',
      'widget.form.error.',
      'widget.deflection.title',
      'widget.message.sending',
      'widget.message.sent',
      'widget.message.failed',
      'widget.offline',
      'widget.csat.scale.5',
      'widget.hours.closed',
      'widget.sla.promise',
      'agent.queue.column.',
      'agent.filter.',
      'sla.state.',
      'agent.escalate.reason',
      'agent.deescalate.',
      'agent.note.',
      'agent.macros.',
      'agent.metrics.',
    ]) {
      expect(
        keys.some((key) => key.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    // Every ticket status, priority and SLA metric of the core has a name.
    for (const status of TICKET_STATUSES) expect(keys).toContain(`status.${status}`);
    for (const priority of TICKET_PRIORITIES) expect(keys).toContain(`priority.${priority}`);
    for (const metric of SLA_METRICS) expect(keys).toContain(`sla.metric.${metric}`);
  });
});
