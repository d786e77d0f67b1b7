import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { startTestServer, type TestServer } from '../../tests/support/server';
import type { TierdeskOptions } from '../tierdesk';
import type { EmailOptions } from './email.config';
import { createEmailDispatcher } from './email.dispatcher';
import { freePort, type SmtpSink, startSmtpSink } from './email.test-support';
import { smtpTransport } from './email.transport';
import { resolveReplyToken, tokenFromAddress } from './reply-token';

const REPLY_DOMAIN = 'replies.acme.test';
const TOKEN_SECRET = 'email-token-secret-for-tests-0123456789abcdef';
const ADA = { name: 'Ada', email: 'ada@example.com' };

function header(mail: { parsed: { headers: Map<string, unknown> } }, name: string): string | undefined {
  const value = mail.parsed.headers.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'object' && value !== null && 'text' in value) return String(value.text);
  return String(value);
}

// mailparser folds List-* headers into one object: read them from the raw header block (unfolded).
function rawHeader(mail: { raw: string }, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

describeStores('outbound email', (store) => {
  let sink: SmtpSink;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  beforeEach(() => {
    sink.mails.length = 0;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(
    email: Partial<EmailOptions> = {},
    extra: Partial<TierdeskOptions> = {},
  ): Promise<TestServer> {
    const server = await startTestServer(store.db(), {
      assistant: false,
      email: {
        from: 'Acme Support <support@acme.test>',
        replyDomain: REPLY_DOMAIN,
        tokenSecret: TOKEN_SECRET,
        smtp: { host: '127.0.0.1', port: sink.port, secure: false },
        appUrl: 'https://app.acme.test/help',
        ...email,
      },
      ...extra,
    });
    servers.push(server);
    return server;
  }

  async function drain(server: TestServer) {
    const email = server.tierdesk.email;
    if (email === null) throw new Error('email is configured in these tests');
    return email.drainOnce();
  }

  async function emailRows(): Promise<number> {
    const { rows } = await store
      .db()
      .query<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE topic = 'email'`);
    return rows[0]?.n ?? 0;
  }

  it('sends one mail per agent reply, with a verifiable Reply-To, threading headers, link and promise', async () => {
    const server = await start();
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({
      body: { subject: 'Export <fails>', body: 'The CSV export hangs.' },
    });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({
      params: { ticketId: ticket.id },
      body: { body: 'Try again now <script>alert(1)</script> & tell us.' },
    });
    // The requester's own message and ticket creation send nothing; the reply sends exactly one mail.
    expect(await drain(server)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0];
    if (mail === undefined) throw new Error('no mail');
    expect(mail.envelopeTo).toEqual(['ada@example.com']);
    expect(mail.parsed.from?.value[0]).toMatchObject({ name: 'Acme Support', address: 'support@acme.test' });
    expect(mail.parsed.subject).toBe(`New reply on your request #${ticket.number}: Export <fails>`);
    expect(header(mail, 'auto-submitted')).toBe('auto-generated');
    const messageId = mail.parsed.messageId ?? '';
    expect(messageId).toMatch(/^<notif-ntf_[0-9A-Za-z]{22}@replies\.acme\.test>$/);
    expect(mail.parsed.inReplyTo).toBeUndefined();

    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? '';
    const token = tokenFromAddress(replyTo, REPLY_DOMAIN);
    expect(token).not.toBeNull();
    expect(await resolveReplyToken(store.db(), token as string, TOKEN_SECRET)).toEqual({
      workspaceId: 'acme',
      ticketId: ticket.id,
      requesterId: 'u-ada',
    });
    expect(
      await resolveReplyToken(store.db(), token as string, 'another-secret-another-secret-xx'),
    ).toBeNull();

    const text = mail.parsed.text ?? '';
    expect(text).toContain('Hello Ada,');
    expect(text).toContain('Try again now <script>alert(1)</script> & tell us.');
    expect(text).toContain(`https://app.acme.test/help/tickets/${ticket.id}`);
    // The SLA promise: first response is met by the reply, resolution (8 h) is still running.
    expect(text).toMatch(/We aim to resolve your request by .+\./);
    const html = mail.parsed.html || '';
    expect(html).toContain('Try again now &lt;script&gt;alert(1)&lt;/script&gt; &amp; tell us.');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`href="https://app.acme.test/help/tickets/${ticket.id}"`);

    // A second reply threads onto the first mail and gets a fresh token.
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Fixed.' } });
    expect((await drain(server)).sent).toBe(1);
    const second = sink.mails[1];
    expect(second?.parsed.inReplyTo).toBe(messageId);
    expect(header(second as NonNullable<typeof second>, 'references')).toBe(messageId);
    expect(second?.parsed.messageId).not.toBe(messageId);
    expect(second?.parsed.replyTo?.value[0]?.address).not.toBe(replyTo);
  });

  it('never mails internal notes', async () => {
    const server = await start();
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Billing', body: 'Charged twice.' } });
    const lee = await server.agentClient('agent-l1');
    await lee.addNote({
      params: { ticketId: ticket.id },
      body: { body: 'internal: refund pending approval' },
    });
    expect(await emailRows()).toBe(0);
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(sink.mails).toHaveLength(0);
  });

  it('sends the solved notice and the CSAT request on solve, and a waiting-for-you notice on pending', async () => {
    const server = await start();
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Password reset', body: 'No mail arrives.' } });
    const lee = await server.agentClient('agent-l1');
    await lee.updateTicket({ params: { ticketId: ticket.id }, body: { status: 'pending' } });
    expect((await drain(server)).sent).toBe(1);
    expect(sink.mails[0]?.parsed.subject).toBe(
      `We are waiting for your reply on request #${ticket.number}: Password reset`,
    );
    await lee.updateTicket({ params: { ticketId: ticket.id }, body: { status: 'solved' } });
    expect((await drain(server)).sent).toBe(2);
    expect(sink.mails.map((m) => m.parsed.subject)).toEqual([
      `We are waiting for your reply on request #${ticket.number}: Password reset`,
      `Your request #${ticket.number} has been solved: Password reset`,
      `How did we do on request #${ticket.number}?`,
    ]);
    // One thread: each mail answers the one before.
    expect(sink.mails[2]?.parsed.inReplyTo).toBe(sink.mails[1]?.parsed.messageId);
    expect(sink.mails[1]?.parsed.inReplyTo).toBe(sink.mails[0]?.parsed.messageId);
  });

  it('writes German mails when configured', async () => {
    const server = await start({ locale: 'de' });
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Rechnung', body: 'Doppelt belastet.' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Wir prüfen das.' } });
    expect((await drain(server)).sent).toBe(1);
    expect(sink.mails[0]?.parsed.subject).toBe(`Neue Antwort auf Ihre Anfrage #${ticket.number}: Rechnung`);
    expect(sink.mails[0]?.parsed.text).toContain('Hallo Ada,');
    expect(sink.mails[0]?.parsed.text).toMatch(/Wir möchten Ihre Anfrage bis .+ lösen\./);
  });

  it("writes each mail in the requester's language: the host's answer first, then the widget's locale", async () => {
    const server = await start({
      localeOf: (ticket) => (ticket.requester.id === 'u-bo' ? 'de' : undefined),
    });
    const lee = await server.agentClient('agent-l1');
    const ada = server.userClient('u-ada', 'acme', ADA);
    const austrian = await ada.createTicket({
      body: { subject: 'Rechnung', body: 'Doppelt belastet.', diagnostics: { locale: 'de-AT' } },
    });
    const french = await ada.createTicket({
      body: { subject: 'Facture', body: 'Deux fois.', diagnostics: { locale: 'fr-FR' } },
    });
    const bo = server.userClient('u-bo', 'acme', { name: 'Bo', email: 'bo@example.com' });
    const hosts = await bo.createTicket({ body: { subject: 'Login', body: 'Geht nicht.' } });
    for (const ticket of [austrian, french, hosts]) {
      await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'OK.' } });
    }
    expect((await drain(server)).sent).toBe(3);
    const subjects = new Map(sink.mails.map((m) => [m.parsed.subject, m]));
    expect(subjects.has(`Neue Antwort auf Ihre Anfrage #${austrian.number}: Rechnung`)).toBe(true);
    // French is not a mail language: the server's default (English).
    expect(subjects.has(`New reply on your request #${french.number}: Facture`)).toBe(true);
    expect(subjects.has(`Neue Antwort auf Ihre Anfrage #${hosts.number}: Login`)).toBe(true);
  });

  it('carries a one-click unsubscribe link (RFC 8058) that a GET never triggers and a POST does', async () => {
    const server = await start({ publicUrl: 'https://support-api.acme.test' });
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({
      body: { subject: 'Export', body: 'Empty.', diagnostics: { locale: 'de' } },
    });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Fixed.' } });
    expect((await drain(server)).sent).toBe(1);
    const mail = sink.mails[0] as (typeof sink.mails)[number];
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<(https:\/\/support-api\.acme\.test\/v1\/email\/unsubscribe\?[^>]+)>$/.exec(
      rawHeader(mail, 'list-unsubscribe') ?? '',
    )?.[1];
    if (link === undefined) throw new Error(`no List-Unsubscribe: ${rawHeader(mail, 'list-unsubscribe')}`);
    expect(mail.parsed.text).toContain(`Diese E-Mails abbestellen: ${link}`);
    expect(mail.parsed.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);
    const local = (u: string) => {
      const url = new URL(u);
      return `${server.baseUrl}${url.pathname}${url.search}`;
    };

    // Link scanners fetch links: a GET only shows the confirmation form.
    const shown = await fetch(local(link));
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await shown.text()).toContain('<form method="post"');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Still subscribed.' } });
    expect((await drain(server)).sent).toBe(1);

    // A tampered link changes nothing.
    const forged = new URL(link);
    forged.searchParams.set('token', `${forged.searchParams.get('token')?.slice(0, -2)}xx`);
    const refused = await fetch(local(forged.toString()), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe('bad_request');

    // The mail client's one-click POST, without any login.
    const done = await fetch(local(link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Sie sind abgemeldet.');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Muted now.' } });
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(sink.mails).toHaveLength(2);

    // The confirmation page's undo switches mails back on.
    const undo = await fetch(local(link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=resubscribe',
    });
    expect(undo.status).toBe(200);
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Back.' } });
    expect((await drain(server)).sent).toBe(1);
    expect(sink.mails[2]?.parsed.text).toContain('Back.');
  });

  it('sends each mail once when two dispatchers drain the outbox at the same time', async () => {
    const server = await start();
    const lee = await server.agentClient('agent-l1');
    const expected: string[] = [];
    for (const user of ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6']) {
      const client = server.userClient(user, 'acme', { email: `${user}@example.com` });
      const ticket = await client.createTicket({ body: { subject: `Help ${user}`, body: 'Please.' } });
      await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: `Answer for ${user}` } });
      expected.push(`${user}@example.com`);
    }
    // The second instance: another connection on PostgreSQL; PGlite has one connection to share.
    const otherDb = store.kind === 'postgres' ? await store.openAnother() : store.db();
    const other = createEmailDispatcher({
      db: otherDb,
      transport: smtpTransport({ host: '127.0.0.1', port: sink.port }),
      batchSize: 2,
    });
    const [a, b] = await Promise.all([drain(server), other.drainOnce()]);
    expect(a.sent + b.sent).toBe(6);
    expect(sink.mails.map((m) => m.envelopeTo[0]).sort()).toEqual(expected.sort());
    expect(new Set(sink.mails.map((m) => m.parsed.messageId)).size).toBe(6);
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it('lets another instance send a mail whose sender stalled past its lease, recording it once', async () => {
    const server = await start();
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Stalled', body: 'Hello?' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'On it.' } });
    let release: (() => void) | undefined;
    const stalled = createEmailDispatcher({
      db: store.db(),
      transport: {
        send: () =>
          new Promise((resolve) => {
            release = () => resolve({ messageId: 'stalled' });
          }),
      },
      leaseMs: 100,
    });
    const first = stalled.drainOnce();
    while (release === undefined) await new Promise((r) => setTimeout(r, 10));
    // Within the lease nobody else takes the row.
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 150));
    expect(await drain(server)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    release();
    // The stalled attempt finishes late: its outcome is not recorded over the new owner's.
    expect(await first).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(sink.mails).toHaveLength(1);
    const { rows } = await store
      .db()
      .query<{ attempts: number; delivered: boolean }>(
        `SELECT attempts, delivered_at IS NOT NULL AS delivered FROM outbox WHERE topic = 'email'`,
      );
    expect(rows).toEqual([{ attempts: 2, delivered: true }]);
  });

  it('retries while the mail server is down and delivers once it is back', async () => {
    const port = await freePort();
    const server = await start({ smtp: { host: '127.0.0.1', port, secure: false }, retrySchedule: [50, 50] });
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Outage', body: 'Down?' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Checking.' } });
    expect(await drain(server)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const { rows } = await store
      .db()
      .query<{ attempts: number; last_error: string | null }>(
        `SELECT attempts, last_error FROM outbox WHERE topic = 'email'`,
      );
    expect(rows[0]?.attempts).toBe(1);
    expect(rows[0]?.last_error).toMatch(/ECONNREFUSED|connect/i);
    // Not due yet: nothing is attempted before the back-off ends.
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });

    const back = await startSmtpSink(port);
    try {
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await drain(server)).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(back.mails).toHaveLength(1);
      expect(back.mails[0]?.parsed.subject).toContain('Outage');
    } finally {
      await back.close();
    }
  });

  it('gives up after the retry schedule and records the failure', async () => {
    const port = await freePort();
    const server = await start({ smtp: { host: '127.0.0.1', port, secure: false }, retrySchedule: [] });
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Lost', body: 'Hello?' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Hi.' } });
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const { rows } = await store
      .db()
      .query<{ failed: boolean }>(`SELECT failed_at IS NOT NULL AS failed FROM outbox WHERE topic = 'email'`);
    expect(rows[0]?.failed).toBe(true);
  });

  it('sends nothing to requesters who opted out or have no address', async () => {
    const server = await start();
    await server.tierdesk.email?.setOptOut('acme', 'u-ada', true);
    const ada = server.userClient('u-ada', 'acme', ADA);
    const mute = await ada.createTicket({ body: { subject: 'Muted', body: 'No mail please.' } });
    const anon = server.userClient('u-anon', 'acme', { name: 'No Mail' });
    const silent = await anon.createTicket({ body: { subject: 'No address', body: 'Hi.' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: mute.id }, body: { body: 'Reply 1' } });
    await lee.replyAsAgent({ params: { ticketId: silent.id }, body: { body: 'Reply 2' } });
    expect(await emailRows()).toBe(0);
    expect(await drain(server)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(sink.mails).toHaveLength(0);

    // Opting back in takes effect with the next change.
    await server.tierdesk.email?.setOptOut('acme', 'u-ada', false);
    await lee.replyAsAgent({ params: { ticketId: mute.id }, body: { body: 'Reply 3' } });
    expect((await drain(server)).sent).toBe(1);
    expect(sink.mails[0]?.parsed.text).toContain('Reply 3');
  });

  it('delivers in the background on commit, without draining by hand', async () => {
    const server = await start({}, { background: true });
    const ada = server.userClient('u-ada', 'acme', ADA);
    const ticket = await ada.createTicket({ body: { subject: 'Live', body: 'Ping.' } });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Pong.' } });
    const deadline = Date.now() + 10_000;
    while (sink.mails.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]?.parsed.text).toContain('Pong.');
  });

  it('refuses incomplete configuration at start', async () => {
    await expect(
      startTestServer(store.db(), {
        email: { from: 'support@acme.test', replyDomain: REPLY_DOMAIN, appUrl: 'https://app.acme.test' },
      }),
    ).rejects.toThrow(/email needs smtp settings or a transport/);
  });
});
