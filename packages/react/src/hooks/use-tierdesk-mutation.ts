import { type UseMutationResult, useMutation } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { TierdeskContextValue } from '../provider/tierdesk-context';
import { useTierdeskContext } from '../provider/use-tierdesk-context';
import { tierdeskMutationKey } from '../query-keys';
import { toTierdeskError } from './errors';
import type { TierdeskMutationOptions } from './hooks.types';

/** Calls the API for a mutation. */
export type TierdeskMutator<TData, TVariables> = (
  variables: TVariables,
  tierdesk: TierdeskContextValue,
) => Promise<TData>;

/** Brings the cache in line with a mutation's answer. */
export type TierdeskCacheUpdate<TData, TVariables> = (
  data: TData,
  variables: TVariables,
  tierdesk: TierdeskContextValue,
) => void;

/**
 * The base of every mutation hook (internal): the provider's client and QueryClient, a key per
 * operation (so resets and `useIsMutating` find them), the hook's cache update before the host's
 * `onSuccess`. No retries here: POSTs are retried by the API client under one idempotency key, and a
 * second TanStack attempt would send a new one.
 */
export function useTierdeskMutation<TData, TVariables>(
  operation: string,
  mutate: TierdeskMutator<TData, TVariables>,
  update: TierdeskCacheUpdate<TData, TVariables> | undefined,
  options: TierdeskMutationOptions<TData, TVariables> | undefined,
): UseMutationResult<TData, TierdeskError, TVariables, unknown> {
  const tierdesk = useTierdeskContext();
  return useMutation<TData, TierdeskError, TVariables, unknown>(
    {
      retry: false,
      ...options,
      mutationKey: tierdeskMutationKey(tierdesk.identity, operation),
      mutationFn: async (variables) => {
        try {
          return await mutate(variables, tierdesk);
        } catch (error) {
          throw toTierdeskError(error);
        }
      },
      onSuccess: (data, variables, onMutateResult, context) => {
        update?.(data, variables, tierdesk);
        return options?.onSuccess?.(data, variables, onMutateResult, context);
      },
    },
    tierdesk.queryClient,
  );
}
