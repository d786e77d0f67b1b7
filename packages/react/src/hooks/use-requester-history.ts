import { skipToken, type UseQueryResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { RouteData, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** A requester with their tickets, CSAT average and interaction count. */
export type RequesterHistory = RouteData<'requesterHistory'>;

/** A requester's other tickets, CSAT and interactions (`requesterHistory`); idle while `requesterId` is undefined. */
export function useRequesterHistory(
  requesterId: string | undefined,
  options?: TierdeskQueryOptions<RequesterHistory>,
): UseQueryResult<RequesterHistory, TierdeskError> {
  return useTierdeskQuery<RequesterHistory>(
    (identity) => tierdeskKeys.requesters.history(identity, requesterId ?? ''),
    requesterId === undefined
      ? skipToken
      : (client, signal) => client.requesterHistory({ params: { requesterId } }, { signal }),
    {},
    options,
  );
}
