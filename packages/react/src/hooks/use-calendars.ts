import type { UseQueryResult } from '@tanstack/react-query';
import type { BusinessCalendar, TierdeskError } from '@tierdesk/core';
import type { TierdeskQueryOptions } from './hooks.types';
import { usePolicyList } from './policy-hooks';

/** The workspace's business calendars (`listCalendars`; agents only); `data` is the list itself. */
export function useCalendars(
  options?: TierdeskQueryOptions<BusinessCalendar[]>,
): UseQueryResult<BusinessCalendar[], TierdeskError> {
  return usePolicyList<BusinessCalendar>(
    'calendars',
    (client, signal) => client.listCalendars(undefined, { signal }),
    options,
  );
}
