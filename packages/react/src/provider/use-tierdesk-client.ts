import type { TierdeskClient } from '@tierdesk/core';
import { useTierdeskContext } from './use-tierdesk-context';

/**
 * The typed API client of the nearest `<TierdeskProvider>`, for calls no hook covers.
 *
 * @throws {TierdeskProviderError} `provider_missing` when there is no provider above.
 */
export function useTierdeskClient(): TierdeskClient {
  return useTierdeskContext().client;
}
