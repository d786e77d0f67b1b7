export type { WebhookDispatcher, WebhookDispatcherOptions, WebhookDrainResult } from './webhook.dispatcher';
export { createWebhookDispatcher } from './webhook.dispatcher';
export type {
  SyncWebhookEndpointsOptions,
  SyncWebhookEndpointsResult,
  WebhookEndpointConfig,
  WebhookOptions,
} from './webhook.endpoints';
export { syncWebhookEndpoints } from './webhook.endpoints';
export type { WebhookErrorCode, WebhookErrorOptions } from './webhook.errors';
export { isWebhookError, WebhookError } from './webhook.errors';
export type { WebhookEvent } from './webhook.outbox';
export {
  enqueueWebhookEvent,
  enqueueWebhookEvents,
  OUTBOX_CHANNEL,
  WEBHOOK_OUTBOX_TOPIC,
} from './webhook.outbox';
export { DEFAULT_WEBHOOK_RETRY_SCHEDULE, WEBHOOK_RETRY_JITTER } from './webhook.retry';
export type { SignWebhookInput, WebhookSignatureHeaders } from './webhook.signature';
export {
  decodeWebhookSecret,
  generateWebhookSecret,
  signWebhook,
  WEBHOOK_SECRET_PREFIX,
} from './webhook.signature';
export type { DeliverableUrlOptions, WebhookHostResolver } from './webhook.url-guard';
export { assertDeliverableUrl, refusedAddressRange } from './webhook.url-guard';
