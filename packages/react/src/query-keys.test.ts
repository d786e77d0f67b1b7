import { hashKey, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import {
  normalizeArticleSearch,
  normalizeQueueFilters,
  tierdeskKeys,
  tierdeskMutationKey,
} from './query-keys';

describe('tierdeskKeys', () => {
  it('roots every key in tierdesk + identity, so identities never share an entry', () => {
    const keys = (identity: string) => [
      tierdeskKeys.tickets.mine(identity),
      tierdeskKeys.tickets.myTicket(identity, 't1'),
      tierdeskKeys.tickets.queue(identity, { status: ['open'] }),
      tierdeskKeys.tickets.ticket(identity, 't1'),
      tierdeskKeys.tickets.timeline(identity, 't1'),
      tierdeskKeys.requesters.history(identity, 'u1'),
      tierdeskKeys.agents(identity),
      tierdeskKeys.articles.search(identity, { q: 'reset' }),
      tierdeskKeys.articles.article(identity, 'a1'),
      tierdeskKeys.articles.list(identity),
      tierdeskKeys.metrics(identity),
      tierdeskKeys.policies.list(identity, 'slaPolicies'),
    ];
    for (const key of keys('u-ada')) expect(key.slice(0, 2)).toEqual(['tierdesk', 'u-ada']);
    const ada = new Set(keys('u-ada').map((k) => hashKey(k)));
    const bob = keys('u-bob').map((k) => hashKey(k));
    expect(ada.size).toBe(12);
    expect(bob.filter((k) => ada.has(k))).toEqual([]);
    expect(tierdeskMutationKey('u-ada', 'createTicket')).toEqual(['tierdesk', 'u-ada', 'createTicket']);
  });

  it('keeps end-user and agent views of one ticket apart', () => {
    expect(hashKey(tierdeskKeys.tickets.myTicket('x', 't1'))).not.toBe(
      hashKey(tierdeskKeys.tickets.ticket('x', 't1')),
    );
  });

  it('gives equal queue filters one key whatever their spelling, and leaves the cursor out', () => {
    const a = tierdeskKeys.tickets.queue('agent', {
      status: ['pending', 'open', 'open'],
      tier: [2, 1],
      q: '  login ',
      assignee: undefined,
      cursor: 'abc',
    } as Parameters<typeof normalizeQueueFilters>[0]);
    const b = tierdeskKeys.tickets.queue('agent', { q: 'login', tier: [1, 2], status: ['open', 'pending'] });
    expect(hashKey(a)).toBe(hashKey(b));
    expect(normalizeQueueFilters({ status: [], q: '  ', assignee: '' })).toEqual({});
    expect(hashKey(tierdeskKeys.tickets.queue('agent'))).toBe(
      hashKey(tierdeskKeys.tickets.queue('agent', {})),
    );
    expect(hashKey(tierdeskKeys.tickets.queue('agent', { status: ['new'] }))).not.toBe(
      hashKey(tierdeskKeys.tickets.queue('agent', { status: ['open'] })),
    );
  });

  it('normalises searches and page sizes', () => {
    expect(normalizeArticleSearch({ q: ' reset ', locale: undefined })).toEqual({ q: 'reset' });
    expect(hashKey(tierdeskKeys.articles.search('u', { q: 'reset ' }))).toBe(
      hashKey(tierdeskKeys.articles.search('u', { q: 'reset' })),
    );
    expect(hashKey(tierdeskKeys.tickets.mine('u', {}))).toBe(hashKey(tierdeskKeys.tickets.mine('u')));
    expect(hashKey(tierdeskKeys.tickets.mine('u', { limit: 5 }))).not.toBe(
      hashKey(tierdeskKeys.tickets.mine('u')),
    );
  });

  it('nests keys so a prefix invalidates exactly its subtree', async () => {
    const queryClient = new QueryClient();
    const entries = {
      mineList: tierdeskKeys.tickets.mine('u'),
      myTicket: tierdeskKeys.tickets.myTicket('u', 't1'),
      queue: tierdeskKeys.tickets.queue('u', { status: ['open'] }),
      view: tierdeskKeys.tickets.ticket('u', 't1'),
      timeline: tierdeskKeys.tickets.timeline('u', 't1'),
      otherView: tierdeskKeys.tickets.ticket('u', 't2'),
      search: tierdeskKeys.articles.search('u', { q: 'x' }),
      otherIdentity: tierdeskKeys.tickets.ticket('v', 't1'),
      host: ['host', 'data'],
    };
    const invalidated = async (prefix: readonly unknown[]) => {
      for (const key of Object.values(entries)) queryClient.setQueryData(key, 1);
      await queryClient.invalidateQueries({ queryKey: prefix });
      return Object.entries(entries)
        .filter(([, key]) => queryClient.getQueryState(key)?.isInvalidated)
        .map(([name]) => name);
    };
    expect(await invalidated(tierdeskKeys.tickets.ticket('u', 't1'))).toEqual(['view', 'timeline']);
    expect(await invalidated(tierdeskKeys.tickets.myLists('u'))).toEqual(['mineList']);
    expect(await invalidated(tierdeskKeys.tickets.queues('u'))).toEqual(['queue']);
    expect(await invalidated(tierdeskKeys.tickets.all('u'))).toEqual([
      'mineList',
      'myTicket',
      'queue',
      'view',
      'timeline',
      'otherView',
    ]);
    expect(await invalidated(tierdeskKeys.identity('u'))).toHaveLength(7);
    expect(await invalidated(tierdeskKeys.all)).toHaveLength(8);
  });
});
