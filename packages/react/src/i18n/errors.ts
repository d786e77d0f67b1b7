import { TierdeskError } from '@tierdesk/core/lean';

/** Codes of {@link TierdeskI18nError}. */
export type TierdeskI18nErrorCode = 'invalid_locale' | 'invalid_time_zone';

/**
 * A translator was given a locale that is not a BCP 47 tag (`invalid_locale`) or a time zone that
 * is not an IANA zone (`invalid_time_zone`). A programming error, thrown at once.
 */
export class TierdeskI18nError extends TierdeskError {
  override name = 'TierdeskI18nError';
  declare readonly code: TierdeskI18nErrorCode;

  /** Creates an i18n error. */
  constructor(code: TierdeskI18nErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}
