import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeStores, resetDatabase } from '../../tests/support/databases';
import { startTestServer, type TestServer } from '../../tests/support/server';
import { INBOUND_EMAIL_PATHS } from './inbound';
import { issueReplyToken, replyAddress } from './reply-token';

// The inbound endpoint over a real socket, on both stores: each accepted format, exactly-once storage,
// refusals (spoofed sender, forged or foreign token), loops ignored, limits and authentication.

const SECRET = 'inbound-secret-for-tests-0123456789';
const SERVER_SECRET = 'server-secret-for-tests-0123456789-abcdefghijkl';
const DOMAIN = 'reply.acme.test';

describeStores('inbound email', ({ db }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(db(), {
      assistant: false,
      inboundEmail: {
        secret: SECRET,
        replyDomain: DOMAIN,
        workspaceId: 'acme',
        maxAttachments: 2,
        maxAttachmentBytes: 1024,
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    // describeStores empties the tables before each test; the server's seeded workspaces go with them.
    await resetDatabase(db());
    await db().query(`INSERT INTO workspaces (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')`);
  });

  const basic = `Basic ${Buffer.from(`postmark:${SECRET}`).toString('base64')}`;
  const post = (
    path: string,
    body: BodyInit,
    contentType: string | undefined,
    auth: string | null = basic,
  ): Promise<Response> =>
    fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...(auth === null ? {} : { authorization: auth }),
      },
      body,
    });
  const postJson = (body: unknown, path = INBOUND_EMAIL_PATHS.tierdesk, auth?: string | null) =>
    post(path, JSON.stringify(body), 'application/json', auth);

  /** A ticket of user u-ann (ann@example.com) and a reply address issued for it. */
  async function annTicket(): Promise<{ ticketId: string; address: string }> {
    const ann = server.userClient('u-ann', 'acme', { name: 'Ann', email: 'ann@example.com' });
    const ticket = await ann.createTicket({ body: { subject: 'Export fails', body: 'CSV export is empty' } });
    const token = await issueReplyToken(
      db(),
      { workspaceId: 'acme', ticketId: ticket.id, requesterId: 'u-ann' },
      SERVER_SECRET,
    );
    return { ticketId: ticket.id, address: replyAddress(token, DOMAIN) };
  }

  async function customerMessages(ticketId: string): Promise<{ body: string; attachments?: unknown[] }[]> {
    const { rows } = await db().query<{ event: { body: string; attachments?: unknown[] } }>(
      `SELECT event FROM ticket_events WHERE ticket_id = $1 AND type = 'message.public'
         AND event->>'role' = 'customer' ORDER BY seq`,
      [ticketId],
    );
    return rows.map((r) => r.event);
  }

  async function ticketCount(): Promise<number> {
    const { rows } = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
    return rows[0]?.n ?? -1;
  }

  const QUOTED_REPLY = [
    'Thanks, the export works now.',
    '',
    '--',
    'Ann Example',
    'Head of Ops',
    '',
    'On Mon, Nov 23, 2026 at 10:00 AM Acme Support <support@acme.test> wrote:',
    '> We fixed the export.',
    '> Let us know.',
  ].join('\n');

  it('threads a JSON reply onto its ticket once, without quote or signature, also when posted twice', async () => {
    const { ticketId, address } = await annTicket();
    const mail = {
      from: 'Ann <ANN@example.com>',
      to: [address],
      subject: 'Re: Export fails',
      text: QUOTED_REPLY,
      messageId: '<reply-1@mail.example.com>',
    };
    const first = await postJson(mail);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'replied', ticketId });
    const again = await postJson(mail);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', ticketId });

    const messages = await customerMessages(ticketId);
    expect(messages.map((m) => m.body)).toEqual(['CSV export is empty', 'Thanks, the export works now.']);
    const lee = await server.agentClient('agent-l1');
    const view = await lee.getTicket({ params: { ticketId } });
    expect(view.ticket.id).toBe(ticketId);
  });

  it('lands once when the same mail arrives twice at the same moment', async () => {
    const { ticketId, address } = await annTicket();
    const mail = {
      from: 'ann@example.com',
      to: address,
      subject: 'Re',
      text: 'Concurrent',
      messageId: 'c-1@x',
    };
    const answers = await Promise.all([postJson(mail), postJson(mail)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200]);
    expect((await customerMessages(ticketId)).filter((m) => m.body === 'Concurrent')).toHaveLength(1);
  });

  it('opens a follow-up ticket for the same requester when the replied-to ticket is closed', async () => {
    const { ticketId, address } = await annTicket();
    const ann = server.userClient('u-ann', 'acme', { name: 'Ann', email: 'ann@example.com' });
    const target = await ann.createTicket({ body: { subject: 'Target', body: 'merge target' } });
    const lee = await server.agentClient('agent-l1');
    const merged = await lee.mergeTicket({ params: { ticketId }, body: { into: target.id } });
    expect(merged.status).toBe('closed');
    const answer = await postJson({
      from: 'ann@example.com',
      to: address,
      subject: 'Re: Export fails',
      text: 'Back again',
    });
    expect(answer.status).toBe(201);
    const { ticketId: followUp } = (await answer.json()) as { ticketId: string };
    expect(followUp).not.toBe(ticketId);
    const { ticket } = await lee.getTicket({ params: { ticketId: followUp } });
    expect(ticket).toMatchObject({ channel: 'email', requester: { id: 'u-ann', email: 'ann@example.com' } });
    expect((await customerMessages(followUp)).map((m) => m.body)).toEqual(['Back again']);
    expect(await customerMessages(ticketId)).toHaveLength(1);
  });

  it('refuses a reply from another sender with a valid token (spoofed), storing nothing', async () => {
    const { ticketId, address } = await annTicket();
    const answer = await postJson({
      from: 'mallory@evil.test',
      to: address,
      subject: 'Re: Export fails',
      text: 'Please refund me',
      messageId: 'spoof-1@evil.test',
    });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ error: { code: 'forbidden', reason: 'sender_mismatch' } });
    expect(await customerMessages(ticketId)).toHaveLength(1);
    // Refused mails leave no Message-ID behind: the real one with that id is still accepted later.
    const { rows } = await db().query('SELECT 1 FROM email_inbound_messages');
    expect(rows).toHaveLength(0);
  });

  it('refuses a forged token and a token signed for another ticket', async () => {
    const { ticketId, address } = await annTicket();
    const token = address.slice('reply+'.length, address.indexOf('@'));
    // Same token id, another signature: the MAC does not verify.
    const flipped = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    const forged = await postJson({
      from: 'ann@example.com',
      to: replyAddress(flipped, DOMAIN),
      subject: 'Re',
      text: 'forged',
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { reason: 'token_invalid' } });

    // A row edited to point at another ticket no longer verifies against the token that was sent.
    const other = await annTicket();
    const otherToken = other.address.slice('reply+'.length, other.address.indexOf('@'));
    await db().query('UPDATE email_threads SET ticket_id = $1 WHERE token_id = $2', [
      ticketId,
      otherToken.slice(0, 16),
    ]);
    const moved = await postJson({
      from: 'ann@example.com',
      to: other.address,
      subject: 'Re',
      text: 'moved',
    });
    expect(moved.status).toBe(403);
    expect(await moved.json()).toMatchObject({ error: { reason: 'token_invalid' } });
    expect(await customerMessages(ticketId)).toHaveLength(1);
    expect(await customerMessages(other.ticketId)).toHaveLength(1);
    expect(await ticketCount()).toBe(2);
  });

  it('opens an email ticket for a new address (requester email:<address>)', async () => {
    const answer = await postJson({
      from: '"Bo Jones" <Bo@Example.org>',
      to: 'support@acme.test',
      subject: 'Cannot log in',
      html: '<p>Hello,<br>my <b>password</b> reset never arrives.</p><script>alert(1)</script>',
      messageId: '<new-1@example.org>',
      attachments: [{ filename: 'screen.png', contentType: 'image/png', contentBase64: 'iVBORw0KGgo=' }],
    });
    expect(answer.status).toBe(201);
    const { ticketId } = (await answer.json()) as { ticketId: string };
    const lee = await server.agentClient('agent-l1');
    const { ticket } = await lee.getTicket({ params: { ticketId } });
    expect(ticket.channel).toBe('email');
    expect(ticket.subject).toBe('Cannot log in');
    expect(ticket.requester).toMatchObject({
      id: 'email:bo@example.org',
      email: 'bo@example.org',
      name: 'Bo Jones',
    });
    const [message] = await customerMessages(ticketId);
    // The HTML was converted to text: no markup (and no script) is stored.
    expect(message?.body).toContain('my password reset never arrives.');
    expect(message?.body).not.toMatch(/<|alert/);
    expect(message?.attachments).toEqual([
      { name: 'screen.png', contentType: 'image/png', size: 8, id: expect.stringMatching(/^att_/) },
    ]);
    // The bytes are kept: agents download them from the ticket.
    const attachmentId = (message?.attachments?.[0] as { id: string } | undefined)?.id ?? '';
    const key = await server.apiKeyFor('agent-l1');
    const download = await fetch(
      `${server.baseUrl}/v1/agent/tickets/${ticketId}/attachments/${attachmentId}`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="screen.png"; filename*=UTF-8''screen.png`,
    );
    expect(Buffer.from(await download.arrayBuffer()).toString('base64')).toBe('iVBORw0KGgo=');
  });

  it('ignores bounces, auto-replies and bulk mail (202) and stores nothing', async () => {
    const { ticketId, address } = await annTicket();
    const base = {
      from: 'ann@example.com',
      to: address,
      subject: 'Out of office',
      text: 'Away until Monday',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, headers: { 'Auto-Submitted': 'auto-replied' } }, 'auto_submitted'],
      [{ ...base, headers: { Precedence: 'bulk' } }, 'precedence'],
      [{ ...base, headers: { 'X-Autoreply': 'yes' } }, 'auto_reply'],
      [{ ...base, from: 'MAILER-DAEMON@mx.example.com', subject: 'Undelivered' }, 'mailer_daemon'],
    ];
    for (const [mail, reason] of cases) {
      const answer = await postJson(mail);
      expect(answer.status).toBe(202);
      expect(await answer.json()).toEqual({ ignored: reason });
    }
    const bounce = [
      'From: Mail Delivery System <bounces@mx.example.com>',
      'To: support@acme.test',
      'Subject: Delivery Status Notification (Failure)',
      'Message-ID: <dsn-1@mx.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; nobody@example.com',
      'Action: failed',
      'Status: 5.1.1',
      '--b1--',
      '',
    ].join('\r\n');
    const answer = await post(INBOUND_EMAIL_PATHS.tierdesk, bounce, 'message/rfc822');
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ ignored: 'delivery_status' });
    // Auto-Submitted: no is a person's mail.
    const person = await postJson({ ...base, text: 'I am back', headers: { 'Auto-Submitted': 'no' } });
    expect(person.status).toBe(200);
    expect((await customerMessages(ticketId)).map((m) => m.body)).toEqual([
      'CSV export is empty',
      'I am back',
    ]);
    expect(await ticketCount()).toBe(1);
  });

  it('ignores auto-replies in raw MIME and through the Postmark and SendGrid paths, storing nothing', async () => {
    const { ticketId, address } = await annTicket();
    const mime = (extra: string[]) =>
      [
        'From: Ann <ann@example.com>',
        `To: ${address}`,
        'Subject: Automatic reply: Export fails',
        `Message-ID: <auto-${Math.random()}@example.com>`,
        ...extra,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'I am out of the office until Monday.',
        '',
      ].join('\r\n');
    const raw: [string[], string][] = [
      [['Precedence: junk'], 'precedence'],
      [['Precedence: list'], 'precedence'],
      [['Precedence: auto_reply'], 'precedence'],
      [['Auto-Submitted: auto-replied'], 'auto_submitted'],
      // Folded and in another case: still the header it is.
      [['AUTO-SUBMITTED:', '  Auto-Replied; owner-email="ann@example.com"'], 'auto_submitted'],
    ];
    for (const [headers, reason] of raw) {
      const answer = await post(INBOUND_EMAIL_PATHS.tierdesk, mime(headers), 'message/rfc822');
      expect({ headers, status: answer.status, body: await answer.json() }).toEqual({
        headers,
        status: 202,
        body: { ignored: reason },
      });
    }

    const postmark = await postJson(
      {
        FromFull: { Email: 'ann@example.com', Name: 'Ann' },
        ToFull: [{ Email: address, Name: '' }],
        Subject: 'Automatic reply: Export fails',
        MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817',
        TextBody: 'I am out of the office until Monday.',
        Headers: [
          { Name: 'Message-ID', Value: '<pm-auto-1@example.com>' },
          { Name: 'Auto-Submitted', Value: 'auto-replied' },
        ],
        Attachments: [],
      },
      INBOUND_EMAIL_PATHS.postmark,
    );
    expect(postmark.status).toBe(202);
    expect(await postmark.json()).toEqual({ ignored: 'auto_submitted' });

    const sendgrid = async (fields: Record<string, string>) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      return fetch(`${server.baseUrl}${INBOUND_EMAIL_PATHS.sendgrid}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}` },
        body: form,
      });
    };
    const vacation = await sendgrid({
      from: 'Ann <ann@example.com>',
      to: address,
      subject: 'Automatic reply: Export fails',
      text: 'I am out of the office until Monday.',
      headers: [
        'Message-ID: <sg-auto-1@example.com>',
        'From: Ann <ann@example.com>',
        `To: ${address}`,
        'Auto-Submitted: auto-replied',
        'X-Autoreply: yes',
      ].join('\n'),
    });
    expect(vacation.status).toBe(202);
    expect(await vacation.json()).toEqual({ ignored: 'auto_submitted' });

    // A bounce from a relay that is not MAILER-DAEMON: only its content type tells (RFC 3464).
    const bounce = await sendgrid({
      from: 'Mail Delivery System <bounces@mx.example.net>',
      to: address,
      subject: 'Undeliverable: Re: Export fails',
      text: 'Your message could not be delivered.',
      headers: [
        'Message-ID: <sg-dsn-1@mx.example.net>',
        'From: Mail Delivery System <bounces@mx.example.net>',
        `To: ${address}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report;',
        '\treport-type="delivery-status";',
        '\tboundary="dsn-boundary"',
      ].join('\n'),
    });
    expect(bounce.status).toBe(202);
    expect(await bounce.json()).toEqual({ ignored: 'delivery_status' });

    // The raw-MIME mode of SendGrid (one `email` field) takes the same checks.
    const rawMode = await sendgrid({ email: mime(['Precedence: auto_reply']) });
    expect(rawMode.status).toBe(202);
    expect(await rawMode.json()).toEqual({ ignored: 'precedence' });

    // No ticket, no message, no Message-ID kept.
    expect(await ticketCount()).toBe(1);
    expect((await customerMessages(ticketId)).map((m) => m.body)).toEqual(['CSV export is empty']);
    const { rows } = await db().query('SELECT 1 FROM email_inbound_messages');
    expect(rows).toHaveLength(0);
  });

  it('accepts raw MIME (message/rfc822) parsed with mailparser', async () => {
    const { ticketId, address } = await annTicket();
    const mime = [
      'From: Ann <ann@example.com>',
      `To: ${address}`,
      'Subject: Re: Export fails',
      'Message-ID: <mime-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m1"',
      '',
      '--m1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, it works.',
      '',
      '> old quote',
      '--m1',
      'Content-Type: text/csv; name="export.csv"',
      'Content-Disposition: attachment; filename="export.csv"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('a,b\n1,2\n').toString('base64'),
      '--m1--',
      '',
    ].join('\r\n');
    const answer = await post(INBOUND_EMAIL_PATHS.tierdesk, mime, 'message/rfc822');
    expect(answer.status).toBe(200);
    const messages = await customerMessages(ticketId);
    expect(messages[1]).toEqual(
      expect.objectContaining({
        body: 'Grüße, it works.',
        attachments: [
          { name: 'export.csv', contentType: 'text/csv', size: 8, id: expect.stringMatching(/^att_/) },
        ],
      }),
    );
  });

  it('accepts Postmark inbound JSON, taking the Message-ID from its headers', async () => {
    const { ticketId, address } = await annTicket();
    const payload = {
      From: 'ann@example.com',
      FromName: 'Ann',
      FromFull: { Email: 'ann@example.com', Name: 'Ann' },
      To: address,
      ToFull: [{ Email: address, Name: '' }],
      Cc: '',
      CcFull: [],
      Subject: 'Re: Export fails',
      MessageID: '73e6d360-66eb-11e1-8e72-a8904824019b',
      TextBody: 'From Postmark\n\nOn Tue, Nov 24, 2026 Acme wrote:\n> quoted',
      HtmlBody: '<p>From Postmark</p>',
      StrippedTextReply: 'From Postmark',
      Headers: [
        { Name: 'Message-ID', Value: '<pm-1@example.com>' },
        { Name: 'X-Spam-Status', Value: 'No' },
      ],
      Attachments: [],
    };
    const first = await postJson(payload, INBOUND_EMAIL_PATHS.postmark);
    expect(first.status).toBe(200);
    // A retry of Postmark with a new delivery id is still the same mail (same Message-ID header).
    const retry = await postJson(
      { ...payload, MessageID: 'another-delivery-id' },
      INBOUND_EMAIL_PATHS.postmark,
    );
    expect(await retry.json()).toEqual({ status: 'duplicate', ticketId });
    expect((await customerMessages(ticketId)).map((m) => m.body)).toEqual([
      'CSV export is empty',
      'From Postmark',
    ]);
  });

  it('accepts SendGrid Inbound Parse multipart with attachment files', async () => {
    const { ticketId, address } = await annTicket();
    const form = new FormData();
    form.set('from', 'Ann <ann@example.com>');
    form.set('to', address);
    form.set('subject', 'Re: Export fails');
    form.set('text', 'From SendGrid\n');
    form.set('headers', `Message-ID: <sg-1@example.com>\nFrom: Ann <ann@example.com>\nTo: ${address}\n`);
    form.set('attachments', '1');
    form.set(
      'attachment1',
      new File([new Uint8Array([0, 255, 1, 2])], 'blob.bin', { type: 'application/octet-stream' }),
    );
    const answer = await fetch(`${server.baseUrl}${INBOUND_EMAIL_PATHS.sendgrid}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}` },
      body: form,
    });
    expect(answer.status).toBe(200);
    const messages = await customerMessages(ticketId);
    expect(messages[1]).toEqual(
      expect.objectContaining({
        body: 'From SendGrid',
        attachments: [
          {
            name: 'blob.bin',
            contentType: 'application/octet-stream',
            size: 4,
            id: expect.stringMatching(/^att_/),
          },
        ],
      }),
    );
  });

  async function notes(ticketId: string): Promise<string[]> {
    const { rows } = await db().query<{ body: string }>(
      `SELECT event->>'body' AS body FROM ticket_events WHERE ticket_id = $1 AND type = 'note.internal'
        ORDER BY seq`,
      [ticketId],
    );
    return rows.map((r) => r.body);
  }

  it('keeps the text and the files within the limits of a mixed mail, dropping and naming the rest', async () => {
    const { ticketId, address } = await annTicket();
    const file = (filename: string, bytes: number) => ({
      filename,
      contentType: 'application/octet-stream',
      contentBase64: Buffer.alloc(bytes, 7).toString('base64'),
    });
    // Limits of this server: 2 attachments, 1 024 bytes each.
    const answer = await postJson({
      from: 'ann@example.com',
      to: address,
      subject: 'Re: Export fails',
      text: 'Logs attached',
      messageId: '<mixed-1@example.com>',
      attachments: [file('a.log', 100), file('huge.bin', 2048), file('b.log', 1024), file('c.log', 10)],
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      status: 'replied',
      ticketId,
      dropped: [
        { filename: 'huge.bin', contentType: 'application/octet-stream', size: 2048, reason: 'too_large' },
        { filename: 'c.log', contentType: 'application/octet-stream', size: 10, reason: 'too_many' },
      ],
    });
    const messages = await customerMessages(ticketId);
    expect(messages[1]).toEqual(
      expect.objectContaining({
        body: 'Logs attached',
        attachments: [
          expect.objectContaining({ name: 'a.log', size: 100, id: expect.stringMatching(/^att_/) }),
          expect.objectContaining({ name: 'b.log', size: 1024, id: expect.stringMatching(/^att_/) }),
        ],
      }),
    );
    const { rows } = await db().query<{ name: string }>(
      'SELECT name FROM ticket_attachments WHERE ticket_id = $1 ORDER BY name',
      [ticketId],
    );
    expect(rows.map((r) => r.name)).toEqual(['a.log', 'b.log']);
    // Agents see what is missing in the ticket; the requester's view has no notes.
    const [note] = await notes(ticketId);
    expect(note).toContain(
      'Attachment "huge.bin" (application/octet-stream, 2.0 KiB): over the limit of 1.0 KiB',
    );
    expect(note).toContain(
      'Attachment "c.log" (application/octet-stream, 10 B): beyond 2 attachments per email',
    );
    const lee = await server.agentClient('agent-l1');
    const view = await lee.getTicket({ params: { ticketId } });
    expect(view.events.filter((e) => e.type === 'note.internal')).toHaveLength(1);
    const ann = server.userClient('u-ann', 'acme', { name: 'Ann', email: 'ann@example.com' });
    const own = await ann.getMyTicket({ params: { ticketId } });
    expect(JSON.stringify(own)).not.toContain('huge.bin');
  });

  it('opens a ticket from a raw MIME mail whose only file is too large, keeping its text', async () => {
    const mime = [
      'From: Cy <cy@example.com>',
      'To: support@acme.test',
      'Subject: Screenshot',
      'Message-ID: <big-mime-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m2"',
      '',
      '--m2',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The dialog is cut off, see the screenshot.',
      '--m2',
      'Content-Type: image/png; name="screen.png"',
      'Content-Disposition: attachment; filename="screen.png"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(4096, 1).toString('base64'),
      '--m2--',
      '',
    ].join('\r\n');
    const answer = await post(INBOUND_EMAIL_PATHS.tierdesk, mime, 'message/rfc822');
    expect(answer.status).toBe(201);
    const outcome = (await answer.json()) as { ticketId: string; dropped: unknown[] };
    expect(outcome.dropped).toEqual([
      { filename: 'screen.png', contentType: 'image/png', size: 4096, reason: 'too_large' },
    ]);
    const [message] = await customerMessages(outcome.ticketId);
    expect(message?.body).toBe('The dialog is cut off, see the screenshot.');
    expect(message?.attachments).toEqual([]);
    expect(await notes(outcome.ticketId)).toEqual([
      expect.stringContaining('"screen.png" (image/png, 4.0 KiB)'),
    ]);
  });

  it('cuts a text over the message limit instead of refusing the mail, and says so in a note', async () => {
    const answer = await postJson({
      from: 'dee@example.com',
      to: 'support@acme.test',
      subject: 'Long log',
      // A surrogate pair straddles the cut: it must not be split into a lone surrogate.
      text: `${'x'.repeat(19_994)}😀${'y'.repeat(30_000)}`,
    });
    expect(answer.status).toBe(201);
    const outcome = (await answer.json()) as { ticketId: string; textTruncated?: boolean };
    expect(outcome.textTruncated).toBe(true);
    const [message] = await customerMessages(outcome.ticketId);
    expect(message?.body).toBe(`${'x'.repeat(19_994)}\n\n[…]`);
    expect(await notes(outcome.ticketId)).toEqual([
      expect.stringContaining('The text was cut to 20000 characters.'),
    ]);
  });

  it('answers 413 only for a request over maxBodyBytes (JSON and raw MIME), storing nothing', async () => {
    const small = await startTestServer(db(), {
      assistant: false,
      inboundEmail: { secret: SECRET, replyDomain: DOMAIN, workspaceId: 'acme', maxBodyBytes: 4096 },
    });
    try {
      const send = (body: string, contentType: string) =>
        fetch(`${small.baseUrl}${INBOUND_EMAIL_PATHS.tierdesk}`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: basic },
          body,
        });
      const json = await send(
        JSON.stringify({
          from: 'cy@example.com',
          to: 'support@acme.test',
          subject: 'Too big',
          text: 'x'.repeat(5000),
        }),
        'application/json',
      );
      expect(json.status).toBe(413);
      expect(await json.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      const mime = await send(
        `From: cy@example.com\r\nTo: support@acme.test\r\nSubject: Too big\r\n\r\n${'x'.repeat(5000)}`,
        'message/rfc822',
      );
      expect(mime.status).toBe(413);
      // Under the limit the same server stores the mail.
      const fits = await send(
        JSON.stringify({
          from: 'cy@example.com',
          to: 'support@acme.test',
          subject: 'Fits',
          text: 'Small',
          attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: 'aGk=' }],
        }),
        'application/json',
      );
      expect(fits.status).toBe(201);
      expect(await ticketCount()).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('keeps attachment bytes for the ticket: its requester and agents download them, nobody else', async () => {
    const { ticketId, address } = await annTicket();
    const page = '<html><script>alert(1)</script></html>';
    const answer = await postJson({
      from: 'ann@example.com',
      to: address,
      subject: 'Re: Export fails',
      text: 'Two files',
      messageId: '<files-1@example.com>',
      attachments: [
        {
          filename: 'Übersicht.html',
          contentType: 'text/html',
          contentBase64: Buffer.from(page).toString('base64'),
        },
        {
          filename: 'log.txt',
          contentType: 'text/plain',
          contentBase64: Buffer.from('line 1\n').toString('base64'),
        },
      ],
    });
    expect(answer.status).toBe(200);
    const messages = await customerMessages(ticketId);
    const [html, log] = (messages[1]?.attachments ?? []) as { id: string; name: string; size: number }[];
    if (html === undefined || log === undefined) throw new Error('attachments missing');
    expect([html.name, html.size, log.name, log.size]).toEqual(['Übersicht.html', page.length, 'log.txt', 7]);

    const get = async (path: string, token: string) =>
      fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const annToken = await server.tokenFor('u-ann');
    const own = await get(`/v1/tickets/${ticketId}/attachments/${log.id}`, annToken);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('line 1\n');
    // Active content is never served as itself: a download, octet-stream, nosniff, sandboxed.
    const active = await get(`/v1/tickets/${ticketId}/attachments/${html.id}`, annToken);
    expect(active.headers.get('content-type')).toBe('application/octet-stream');
    expect(active.headers.get('x-content-type-options')).toBe('nosniff');
    expect(active.headers.get('content-security-policy')).toContain('sandbox');
    expect(active.headers.get('content-disposition')).toBe(
      `attachment; filename="_bersicht.html"; filename*=UTF-8''%C3%9Cbersicht.html`,
    );
    expect(await active.text()).toBe(page);

    // Another user, another workspace's agent, a wrong ticket, no credentials, the wrong scope.
    const bob = await get(`/v1/tickets/${ticketId}/attachments/${log.id}`, await server.tokenFor('u-bob'));
    expect(bob.status).toBe(404);
    const otherTicket = await server
      .userClient('u-ann', 'acme', { name: 'Ann', email: 'ann@example.com' })
      .createTicket({ body: { subject: 'Other', body: 'Other ticket' } });
    expect((await get(`/v1/tickets/${otherTicket.id}/attachments/${log.id}`, annToken)).status).toBe(404);
    const globexKey = await server.apiKeyFor('agent-l1', 'globex');
    expect((await get(`/v1/agent/tickets/${ticketId}/attachments/${log.id}`, globexKey)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/v1/tickets/${ticketId}/attachments/${log.id}`)).status).toBe(401);
    expect((await get(`/v1/agent/tickets/${ticketId}/attachments/${log.id}`, annToken)).status).toBe(403);
    const acmeKey = await server.apiKeyFor('agent-l2');
    const agent = await get(`/v1/agent/tickets/${ticketId}/attachments/${log.id}`, acmeKey);
    expect(agent.status).toBe(200);
    expect(await agent.text()).toBe('line 1\n');

    // The typed client downloads them too, with the same checks.
    const lee = await server.agentClient('agent-l1');
    const blob = await lee.downloadAttachment({ ticketId, attachmentId: log.id, scope: 'agent' });
    expect([blob.type, blob.size, await blob.text()]).toEqual(['text/plain', 7, 'line 1\n']);
    const annClient = server.userClient('u-ann', 'acme', { name: 'Ann', email: 'ann@example.com' });
    expect(await (await annClient.downloadAttachment({ ticketId, attachmentId: log.id })).text()).toBe(
      'line 1\n',
    );
    await expect(
      server.userClient('u-bob').downloadAttachment({ ticketId, attachmentId: log.id }),
    ).rejects.toMatchObject({ code: 'not_found', status: 404 });

    // API callers cannot name server-kept bytes: an id they send is dropped.
    await lee.replyAsAgent({
      params: { ticketId: otherTicket.id },
      body: {
        body: 'See file',
        attachments: [{ name: 'x.txt', contentType: 'text/plain', size: 7, id: log.id }],
      },
    });
    const { rows } = await db().query<{ event: { attachments: unknown[] } }>(
      `SELECT event FROM ticket_events WHERE ticket_id = $1 AND type = 'message.public'
        AND event->>'role' = 'agent'`,
      [otherTicket.id],
    );
    expect(rows[0]?.event.attachments).toEqual([{ name: 'x.txt', contentType: 'text/plain', size: 7 }]);
  });

  it('limits requests per client address (429 with Retry-After), before reading the mail', async () => {
    const limited = await startTestServer(db(), {
      assistant: false,
      inboundEmail: {
        secret: SECRET,
        replyDomain: DOMAIN,
        workspaceId: 'acme',
        rateLimit: { burst: 3, perSecond: 0.01 },
      },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const answer = await fetch(`${limited.baseUrl}${INBOUND_EMAIL_PATHS.tierdesk}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic },
          body: JSON.stringify({
            from: 'flood@example.com',
            to: 'support@acme.test',
            subject: `n${i}`,
            text: 'x',
          }),
        });
        statuses.push(answer.status);
        if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      expect(await ticketCount()).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('refuses attachments that are not base64 (400 with the issue path)', async () => {
    const answer = await postJson({
      from: 'cy@example.com',
      to: 'support@acme.test',
      subject: 'Broken',
      text: 'See attached',
      attachments: [
        { filename: 'a.bin', contentType: 'application/octet-stream', contentBase64: 'not base64!' },
      ],
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { issues: { path: unknown[] }[] } };
    expect(body.error.issues[0]?.path).toEqual(['attachments', 0, 'contentBase64']);
    expect(await ticketCount()).toBe(0);
  });

  it('answers 400 with issue paths for a malformed JSON mail', async () => {
    const answer = await postJson({ from: 'ann@example.com', to: 42, subject: 'x' });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; issues: { path: unknown[] }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.issues.map((i) => i.path)).toContainEqual(['to']);
  });

  it('refuses a sender that is not an address (400) and gives long addresses an id that fits', async () => {
    const bad = await postJson({
      from: 'Nobody <not-an-address>',
      to: 'support@acme.test',
      subject: 'x',
      text: 'y',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'validation_failed', issues: [{ path: ['from'] }] },
    });
    expect(await ticketCount()).toBe(0);

    const long = `${'a'.repeat(70)}@example.com`;
    const answer = await postJson({ from: long, to: 'support@acme.test', subject: 'Long', text: 'Hello' });
    expect(answer.status).toBe(201);
    const { ticketId } = (await answer.json()) as { ticketId: string };
    const { ticket } = await (await server.agentClient('agent-l1')).getTicket({ params: { ticketId } });
    expect(ticket.requester.email).toBe(long);
    expect(ticket.requester.id).toMatch(/^email:~[0-9a-f]{57}$/);
    // The same address maps to the same requester on its next mail.
    const again = await postJson({
      from: long.toUpperCase(),
      to: 'support@acme.test',
      subject: 'Again',
      text: 'Hi',
    });
    const next = (await again.json()) as { ticketId: string };
    const { rows } = await db().query<{ requester_id: string }>(
      'SELECT DISTINCT requester_id FROM tickets WHERE id = ANY($1)',
      [[ticketId, next.ticketId]],
    );
    expect(rows).toEqual([{ requester_id: ticket.requester.id }]);
  });

  it('survives malformed mail: NUL characters, nameless attachments, garbage MIME, bad forms', async () => {
    const answer = await postJson({
      from: 'dee@example.com',
      to: 'support@acme.test',
      subject: 'Nul\u0000 in subject',
      text: 'Text with \u0000 a NUL',
      attachments: [{ filename: ' ', contentType: 'text/plain', contentBase64: 'aGk=' }],
    });
    expect(answer.status).toBe(201);
    const { ticketId } = (await answer.json()) as { ticketId: string };
    const [message] = await customerMessages(ticketId);
    expect(message?.body).toBe('Text with  a NUL');
    expect(message?.attachments).toEqual([
      { name: 'attachment', contentType: 'text/plain', size: 2, id: expect.stringMatching(/^att_/) },
    ]);

    const garbage = await post(
      INBOUND_EMAIL_PATHS.tierdesk,
      new Uint8Array([0, 159, 146, 150, 255, 10, 13]),
      'message/rfc822',
    );
    expect(garbage.status).toBe(400);
    const badForm = await post(INBOUND_EMAIL_PATHS.sendgrid, 'not a form', 'multipart/form-data; boundary=x');
    expect(badForm.status).toBe(400);
    const wrongType = await post(INBOUND_EMAIL_PATHS.postmark, '<xml/>', 'text/xml');
    expect(wrongType.status).toBe(415);
  });

  it('answers 401 without the secret or with a wrong one, storing nothing', async () => {
    const mail = { from: 'eve@example.com', to: 'support@acme.test', subject: 'Hi', text: 'Hello' };
    const none = await postJson(mail, INBOUND_EMAIL_PATHS.tierdesk, null);
    expect(none.status).toBe(401);
    const wrong = await postJson(
      mail,
      INBOUND_EMAIL_PATHS.postmark,
      `Basic ${Buffer.from('postmark:not-the-secret').toString('base64')}`,
    );
    expect(wrong.status).toBe(401);
    const wrongBearer = await postJson(mail, INBOUND_EMAIL_PATHS.tierdesk, `Bearer ${SECRET}x`);
    expect(wrongBearer.status).toBe(401);
    expect(await ticketCount()).toBe(0);
  });
});
