import { StoreError } from './errors';

// Lower-case unquoted identifiers only: they mean the same thing quoted or not, so LISTEN, pg_notify
// and PGlite's own channel bookkeeping (which folds unquoted names) can never disagree, and a schema
// name can be placed in a search_path without escaping.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks that a channel or schema name is a plain lower-case SQL identifier (at most 63 characters)
 * and returns it double-quoted for use in SQL text. Throws a StoreError `invalid_usage` otherwise.
 * @internal
 */
export function quoteIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new StoreError(
      'invalid_usage',
      `Invalid ${what} name ${JSON.stringify(name)}: use lower-case letters, digits and _ (at most 63).`,
    );
  }
  return `"${name}"`;
}

/** The default handler of background failures when the host gave none. @internal */
export function reportToConsole(error: unknown): void {
  // Background failures (a dropped LISTEN connection, a throwing listener) have no caller to reject;
  // printing them is the least a library can do without a host logger.
  console.error('[tierdesk/store]', error);
}
