import { createTransport } from 'nodemailer';
import type { EmailTransport, OutgoingEmail, SmtpOptions } from './email.config';

/**
 * The default transport: SMTP through nodemailer. One pooled-less transporter per server; nodemailer
 * opens a connection per mail, which keeps a broken connection from poisoning later sends.
 */
export function smtpTransport(options: SmtpOptions): EmailTransport & { close(): void } {
  const transporter = createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    // Fail an attempt within a minute: the outbox retries, a hung socket must not hold the lease.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message: OutgoingEmail) {
      const info = await transporter.sendMail({
        from: message.from,
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        ...(message.inReplyTo === undefined ? {} : { inReplyTo: message.inReplyTo }),
        ...(message.references.length === 0 ? {} : { references: message.references }),
        headers: message.headers,
      });
      return { messageId: info.messageId };
    },
    close() {
      transporter.close();
    },
  };
}
