import { isTierdeskError, type TierdeskApiError, TierdeskError } from '@tierdesk/core/lean';

/**
 * A versioned change (sent with `If-Match`) was refused because the ticket changed since the version
 * it was based on (HTTP 412). The hook has already invalidated the ticket's cached views, so they
 * refetch the current state; show it to the agent and let them redo the change.
 */
export class TierdeskConflictError extends TierdeskError {
  override name = 'TierdeskConflictError';
  declare readonly code: 'precondition_failed';
  /** The ticket whose change was refused. */
  readonly ticketId: string;
  /** The version the change was based on (the `If-Match` sent), no longer the current one. */
  readonly staleVersion: number;
  /** The server's answer. */
  override readonly cause: TierdeskApiError;

  /** Creates a conflict error. */
  constructor(ticketId: string, staleVersion: number, cause: TierdeskApiError) {
    super(
      'precondition_failed',
      `Ticket ${ticketId} changed after version ${staleVersion}; reload it and try again.`,
      { route: cause.route, cause },
    );
    this.ticketId = ticketId;
    this.staleVersion = staleVersion;
    this.cause = cause;
  }
}

/** Whether a hook's error is a version conflict ({@link TierdeskConflictError}). */
export function isTierdeskConflict(error: unknown): error is TierdeskConflictError {
  return error instanceof TierdeskConflictError;
}

/** Whether an error is the server's 412 answer to a stale `If-Match`. */
export function isPreconditionFailed(error: unknown): error is TierdeskApiError {
  return isTierdeskError(error) && error.code === 'precondition_failed';
}

/**
 * Every hook error is a {@link TierdeskError}. The client already throws only those; what else can
 * reach a hook (a host `getToken` that throws, say) is wrapped with code `unexpected`, the original
 * kept as `cause`.
 */
export function toTierdeskError(error: unknown): TierdeskError {
  if (isTierdeskError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TierdeskError('unexpected', message, { cause: error });
}
