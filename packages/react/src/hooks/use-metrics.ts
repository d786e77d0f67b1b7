import type { UseQueryResult } from '@tanstack/react-query';
import type { MetricsReport, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { MetricsWindowQuery, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** Support metrics over a window, the last 30 days by default (`metrics`; agents only). */
export function useMetrics(
  period?: MetricsWindowQuery,
  options?: TierdeskQueryOptions<MetricsReport>,
): UseQueryResult<MetricsReport, TierdeskError> {
  return useTierdeskQuery<MetricsReport>(
    (identity) => tierdeskKeys.metrics(identity, period),
    (client, signal) => client.metrics({ query: { from: period?.from, to: period?.to } }, { signal }),
    {},
    options,
  );
}
