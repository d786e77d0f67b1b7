export type { EmailOptions, EmailTransport, OutgoingEmail, SmtpOptions } from './email.config';
export {
  createEmailDispatcher,
  type EmailDispatcher,
  type EmailDispatcherOptions,
  type EmailDrainResult,
} from './email.dispatcher';
export { EMAIL_LOCALES, type EmailLocale, type EmailNotificationKind } from './email.messages';
export { EMAIL_OUTBOX_TOPIC, setEmailOptOut } from './email.outbox';
export { smtpTransport } from './email.transport';
export {
  createReplyToken,
  issueReplyToken,
  type ReplyTokenClaims,
  replyAddress,
  resolveReplyToken,
  tokenFromAddress,
  verifyReplyToken,
} from './reply-token';
export {
  createUnsubscribeToken,
  UNSUBSCRIBE_PATH,
  type UnsubscribeClaims,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from './unsubscribe';
