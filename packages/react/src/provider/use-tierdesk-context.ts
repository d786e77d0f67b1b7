import { useContext } from 'react';
import { TierdeskProviderError } from './errors';
import { TierdeskContext, type TierdeskContextValue } from './tierdesk-context';

/**
 * The client, identity and QueryClient of the nearest `<TierdeskProvider>`.
 *
 * @throws {TierdeskProviderError} `provider_missing` when there is no provider above.
 */
export function useTierdeskContext(): TierdeskContextValue {
  const value = useContext(TierdeskContext);
  if (value === null) {
    throw new TierdeskProviderError(
      'provider_missing',
      'Tierdesk hooks must be used inside <TierdeskProvider>; wrap your app (or the widget) in it.',
    );
  }
  return value;
}
