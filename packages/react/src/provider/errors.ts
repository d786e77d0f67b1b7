import { TierdeskError } from '@tierdesk/core/lean';

/** Codes of {@link TierdeskProviderError}. */
export type TierdeskProviderErrorCode = 'provider_missing' | 'invalid_usage';

/**
 * The React kit was used wrongly: a hook outside `<TierdeskProvider>` (`provider_missing`), or a
 * provider without a client or base URL, or without an identity (`invalid_usage`). A programming
 * error, thrown during render so it surfaces in development at once.
 */
export class TierdeskProviderError extends TierdeskError {
  override name = 'TierdeskProviderError';
  declare readonly code: TierdeskProviderErrorCode;

  /** Creates a provider error. */
  constructor(code: TierdeskProviderErrorCode, message: string) {
    super(code, message);
  }
}
