import type { UseMutationResult } from '@tanstack/react-query';
import type { BusinessCalendar, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Creates a business calendar (`createCalendar`); the cached list gains it. */
export function useCreateCalendar(
  options?: TierdeskMutationOptions<BusinessCalendar, RouteBody<'createCalendar'>>,
): UseMutationResult<BusinessCalendar, TierdeskError, RouteBody<'createCalendar'>, unknown> {
  return usePolicySave<BusinessCalendar, RouteBody<'createCalendar'>>(
    'calendars',
    'createCalendar',
    (client, body) => client.createCalendar({ body }),
    options,
  );
}
