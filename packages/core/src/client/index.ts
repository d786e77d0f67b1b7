export type {
  AbortSignalLike,
  BlobLike,
  CallOptions,
  ClientOptions,
  ClientRetryOptions,
  FetchResponseLike,
  JsonRouteName,
  RouteCall,
  RouteCallArgs,
  RouteCallInput,
  RouteMethods,
  StreamRouteName,
  TierdeskAbortSignal,
  TierdeskClient,
  TierdeskFetch,
} from './client.types';
export { createClient } from './create-client';
export { createLeanClient } from './create-lean-client';
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
} from './errors';
