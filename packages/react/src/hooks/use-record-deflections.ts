import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { RouteBody, RouteData, TierdeskMutationOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';

/** What `useRecordDeflections` sends: 1–50 self-service events of the widget session. */
export type RecordDeflectionsVariables = RouteBody<'recordDeflection'>;

/** Records self-service steps (searches, article views, votes) for deflection metrics (`recordDeflection`). */
export function useRecordDeflections(
  options?: TierdeskMutationOptions<RouteData<'recordDeflection'>, RecordDeflectionsVariables>,
): UseMutationResult<RouteData<'recordDeflection'>, TierdeskError, RecordDeflectionsVariables, unknown> {
  return useTierdeskMutation<RouteData<'recordDeflection'>, RecordDeflectionsVariables>(
    'recordDeflection',
    (body, { client }) => client.recordDeflection({ body }),
    undefined,
    options,
  );
}
