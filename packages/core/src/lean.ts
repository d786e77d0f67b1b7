// @tierdesk/core/lean — the schema-free runtime for browsers: the lean client (the full client's API,
// validation left to the server), the error classes, the route table and the markdown URL rules.
// Nothing here imports zod or XState, so a page that needs only these bundles neither. Explicit named
// exports only; every value here is the same object as the one `@tierdesk/core` exports.

export type {
  CallOptions,
  ClientOptions,
  ClientRetryOptions,
  JsonRouteName,
  StreamRouteName,
  TierdeskClient,
  TierdeskFetch,
} from './client/client.types';
export { createLeanClient } from './client/create-lean-client';
export {
  type InputLocation,
  isTierdeskError,
  TierdeskApiError,
  type TierdeskApiErrorDetails,
  type TierdeskClientErrorCode,
  TierdeskError,
  type TierdeskErrorCode,
  type TierdeskErrorJson,
  type TierdeskErrorOptions,
  TierdeskNetworkError,
  TierdeskResponseError,
  type TierdeskResponseErrorDetails,
  TierdeskValidationError,
} from './client/errors';
export { ERROR_CODES, ERROR_STATUS } from './contract/error-status';
export type { ErrorCode, ErrorIssue } from './contract/errors';
export type { StreamEvent } from './contract/inputs.schema';
export type { RouteTableEntry } from './contract/route';
export { routeTable } from './contract/route-table';
export { isSafeMarkdownHref, isSafeMarkdownImageSrc, MARKDOWN_LIMITS } from './kb/markdown.rules';
