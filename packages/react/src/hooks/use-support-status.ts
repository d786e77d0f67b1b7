import type { UseQueryResult } from '@tanstack/react-query';
import type { SupportStatus, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/**
 * Whether support is open now and what a new ticket is promised (`supportStatus`), for the widget's
 * out-of-hours notice ("we're back Monday 09:00") and its first-response promise. Anonymous visitors
 * may call it. Fresh for a minute, as long as the server lets HTTP caches keep the answer.
 */
export function useSupportStatus(
  options?: TierdeskQueryOptions<SupportStatus>,
): UseQueryResult<SupportStatus, TierdeskError> {
  return useTierdeskQuery<SupportStatus>(
    tierdeskKeys.supportStatus,
    (client, signal) => client.supportStatus(undefined, { signal }),
    { staleTime: 60_000 },
    options,
  );
}
