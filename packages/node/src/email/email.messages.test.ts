import type { ClockSummary, Ticket } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderNotification, ticketPromise } from './email.messages';

function clock(overrides: Partial<ClockSummary>): ClockSummary {
  return {
    id: 'sla:resolution',
    kind: 'sla',
    metric: 'resolution',
    policyId: 'p',
    status: 'running',
    run: 1,
    targetMs: 1000,
    elapsedMs: 0,
    asOf: '2026-11-23T10:00:00.000Z',
    startedAt: '2026-11-23T10:00:00.000Z',
    warningAt: null,
    dueAt: '2026-11-23T18:00:00.000Z',
    warned: false,
    breached: false,
    metAt: null,
    ...overrides,
  } as ClockSummary;
}

function ticket(sla: ClockSummary[], subject = 'Export fails'): Ticket {
  return {
    id: 'tkt_1',
    number: 42,
    subject,
    requester: { id: 'u-1', name: 'Ada <b>', tags: [] },
    sla,
  } as unknown as Ticket;
}

describe('ticketPromise', () => {
  it('takes the earliest running customer SLA clock and ignores OLA, vendor and paused clocks', () => {
    const olaSooner = clock({ id: 'ola:resolution', kind: 'ola', dueAt: '2026-11-23T11:00:00.000Z' });
    const paused = clock({ id: 'sla:next_response', metric: 'next_response', status: 'paused' });
    const reply = clock({
      id: 'sla:first_response',
      metric: 'first_response',
      dueAt: '2026-11-23T12:00:00.000Z',
    });
    const resolution = clock({});
    expect(ticketPromise(ticket([olaSooner, paused, resolution, reply]))).toBe(reply);
    expect(ticketPromise(ticket([olaSooner, paused]))).toBeNull();
  });
});

describe('renderNotification', () => {
  const base = {
    url: 'https://app.example/tickets/tkt_1?a=1&b=2',
    locale: 'en' as const,
    timeZone: 'UTC',
  };

  it('states the promise by metric, in the configured time zone', () => {
    const reply = clock({ metric: 'first_response', dueAt: '2026-11-23T12:30:00.000Z' });
    const en = renderNotification({ ...base, kind: 'agent_reply', ticket: ticket([reply]), body: 'Hi' });
    expect(en.text).toContain('Our next reply is due by Nov 23, 2026, 12:30 PM UTC.');
    const de = renderNotification({
      ...base,
      locale: 'de',
      timeZone: 'Europe/Berlin',
      kind: 'agent_reply',
      ticket: ticket([reply]),
      body: 'Hallo',
    });
    expect(de.text).toMatch(/Unsere nächste Antwort erhalten Sie bis 23\. Nov\. 2026, 13:30 MEZ\./);
  });

  it('promises nothing while waiting for the requester', () => {
    const mail = renderNotification({ ...base, kind: 'status_pending', ticket: ticket([clock({})]) });
    expect(mail.text).not.toMatch(/due by|resolve your request by/);
  });

  it('escapes every user-supplied part of the HTML and keeps subjects on one line', () => {
    const mail = renderNotification({
      ...base,
      kind: 'agent_reply',
      ticket: ticket([], 'Line one\r\nBcc: evil@example.com <img src=x>'),
      body: '<img src=x onerror=alert(1)>',
      authorName: 'Lee "<script>"',
    });
    expect(mail.subject).toBe('New reply on your request #42: Line one Bcc: evil@example.com <img src=x>');
    expect(mail.html).not.toMatch(/<img|<script|<b>/);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('Hello Ada &lt;b&gt;,');
    expect(mail.html).toContain('href="https://app.example/tickets/tkt_1?a=1&amp;b=2"');
    expect(escapeHtml(`'"&<>`)).toBe('&#39;&quot;&amp;&lt;&gt;');
  });
});
