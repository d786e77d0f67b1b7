// @tierdesk/node — the Tierdesk server: a Web-standard fetch handler over PGlite or PostgreSQL, with
// durable SLA timers, realtime streams, signed webhooks and email notifications. Explicit named exports only.

export {
  createNodeServer,
  type FetchHandler,
  type NodeAdapterOptions,
  type NodeServerOptions,
  type TierdeskExpressOptions,
  type TierdeskFastifyOptions,
  tierdeskExpress,
  tierdeskFastify,
  toNodeListener,
} from './adapters';
export {
  API_KEY_PREFIX,
  type AuthenticateAgentHook,
  type CreatedApiKey,
  createApiKey,
  type HookAgent,
  type IdentityTokenClaims,
  revokeApiKey,
  signIdentityToken,
} from './auth';
export { type Clock, createAcceleratedClock, systemClock } from './clock';
export {
  createEmailDispatcher,
  createReplyToken,
  createUnsubscribeToken,
  EMAIL_LOCALES,
  type EmailDispatcher,
  type EmailDispatcherOptions,
  type EmailDrainResult,
  type EmailLocale,
  type EmailNotificationKind,
  type EmailOptions,
  type EmailTransport,
  issueReplyToken,
  type OutgoingEmail,
  type ReplyTokenClaims,
  replyAddress,
  resolveReplyToken,
  type SmtpOptions,
  setEmailOptOut,
  smtpTransport,
  tokenFromAddress,
  UNSUBSCRIBE_PATH,
  type UnsubscribeClaims,
  unsubscribeUrl,
  verifyReplyToken,
  verifyUnsubscribeToken,
} from './email';
export {
  emailRequesterId,
  type IgnoredReason,
  INBOUND_EMAIL_PATHS,
  InboundEmailError,
  type InboundEmailFormat,
  type InboundEmailOptions,
  type InboundOutcome,
  type InboundRefusal,
} from './email/inbound';
export { type InboundEmailJson, InboundEmailJsonSchema } from './email/inbound.schema';
export type { CorsOptions, HttpLimits, RequestContext, RequestMetrics } from './handler';
export { ApiError, isApiError } from './http/api-error';
export type { AgentIdentity, EndUserIdentity, Identity } from './identity';
export { consoleLogger, type LogFields, type Logger, silentLogger } from './logger';
export { normalizeMarkdownHref, normalizeMarkdownImageSrc, parseMarkdown } from './markdown';
export { DEMO_WORKSPACE_ID, demoWorkspace, type SeedResult, seedDemoData } from './seed';
export {
  createPgliteDatabase,
  createPostgresDatabase,
  isStoreError,
  migrate,
  type SqlDatabase,
  type SqlExecutor,
  StoreError,
  type StoreErrorCode,
} from './store';
export type { StandardSchemaV1 } from './tickets/custom-fields';
export type { ChangeWriter, TicketChange, TicketService } from './tickets/ticket.service';
export {
  createTierdesk,
  type StoreOptions,
  type Tierdesk,
  type TierdeskEmail,
  type TierdeskOptions,
  type WorkspaceConfig,
  webhookEventType,
} from './tierdesk';
export { generateWebhookSecret, type WebhookEndpointConfig } from './webhooks';
