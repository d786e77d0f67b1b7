import type { UseMutationResult } from '@tanstack/react-query';
import type { BusinessCalendar, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Replaces a business calendar by its `id` (`replaceCalendar`); the cached list shows the new version. */
export function useReplaceCalendar(
  options?: TierdeskMutationOptions<BusinessCalendar, RouteBody<'replaceCalendar'>>,
): UseMutationResult<BusinessCalendar, TierdeskError, RouteBody<'replaceCalendar'>, unknown> {
  return usePolicySave<BusinessCalendar, RouteBody<'replaceCalendar'>>(
    'calendars',
    'replaceCalendar',
    (client, body) => client.replaceCalendar({ params: { id: body.id }, body }),
    options,
  );
}
