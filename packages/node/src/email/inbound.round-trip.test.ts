import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { startTestServer, type TestServer } from '../../tests/support/server';
import { type SmtpSink, startSmtpSink } from './email.test-support';
import { INBOUND_EMAIL_PATHS } from './inbound';

// The whole loop over real sockets: an agent's reply goes out by SMTP to a local server, the requester
// answers that very mail (its Reply-To, Message-ID and quoted text), and the answer posted to the
// inbound endpoint as raw MIME lands on the ticket once — also when the provider posts it twice.

const REPLY_DOMAIN = 'replies.acme.test';
const TOKEN_SECRET = 'email-token-secret-for-round-trip-0123456789';
const INBOUND_SECRET = 'inbound-secret-round-trip-0123456789';

describeStores('email round trip', (store) => {
  let sink: SmtpSink;
  let server: TestServer;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  // describeStores empties the database before each test (the seeded workspaces too): a server per test.
  beforeEach(async () => {
    server = await startTestServer(store.db(), {
      assistant: false,
      email: {
        from: 'Acme Support <support@acme.test>',
        replyDomain: REPLY_DOMAIN,
        // Set on the outbound side only: the inbound side must check tokens with the same secret.
        tokenSecret: TOKEN_SECRET,
        smtp: { host: '127.0.0.1', port: sink.port, secure: false },
        appUrl: 'https://app.acme.test/help',
      },
      inboundEmail: { secret: INBOUND_SECRET, replyDomain: REPLY_DOMAIN, workspaceId: 'acme' },
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it("threads the requester's answer to a notification mail onto the ticket exactly once", async () => {
    const ada = server.userClient('u-ada', 'acme', { name: 'Ada', email: 'ada@example.com' });
    const ticket = await ada.createTicket({
      body: { subject: 'Export fails', body: 'The CSV export hangs.' },
    });
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Try again now, please.' } });
    const email = server.tierdesk.email;
    if (email === null) throw new Error('email is configured in this test');
    expect((await email.drainOnce()).sent).toBe(1);
    const notification = sink.mails.at(-1);
    if (notification === undefined) throw new Error('no mail reached the SMTP server');
    const replyTo = notification.parsed.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^reply\+[a-z2-7]+@replies\.acme\.test$/);
    const notificationId = notification.parsed.messageId ?? '';

    // What a mail client sends back: the reply on top, the notification quoted below.
    const quoted = (notification.parsed.text ?? '')
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\r\n');
    const answer = [
      'From: Ada <ada@example.com>',
      `To: ${replyTo}`,
      `Subject: Re: ${notification.parsed.subject ?? ''}`,
      'Message-ID: <answer-1@mail.example.com>',
      `In-Reply-To: ${notificationId}`,
      `References: ${notificationId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'It works now, thank you!',
      '',
      'On Mon, Nov 23, 2026 at 10:00 AM Acme Support <support@acme.test> wrote:',
      quoted,
      '',
    ].join('\r\n');
    const post = () =>
      fetch(`${server.baseUrl}${INBOUND_EMAIL_PATHS.tierdesk}`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_SECRET}` },
        body: answer,
      });
    const first = await post();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'replied', ticketId: ticket.id });
    const second = await post();
    expect(await second.json()).toEqual({ status: 'duplicate', ticketId: ticket.id });

    const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
    const bodies = mine.events.flatMap((e) => (e.type === 'message.public' ? [e.body] : []));
    expect(bodies).toEqual(['The CSV export hangs.', 'Try again now, please.', 'It works now, thank you!']);
  });
});
