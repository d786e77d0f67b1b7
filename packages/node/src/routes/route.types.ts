import type { RouteDef, RouteName, RouteOutput, Routes, Ticket } from '@tierdesk/core';
import type * as z from 'zod/mini';
import type { Clock } from '../clock';
import { ApiError } from '../http/api-error';
import type { AgentIdentity, EndUserIdentity, Identity } from '../identity';
import type { Logger } from '../logger';
import type { SqlDatabase, SqlExecutor } from '../store';
import type { TicketService } from '../tickets/ticket.service';

/** What route implementations share: the database, the ticket service and the server's settings. */
export interface AppServices {
  db: SqlDatabase;
  /** Routes only send core events, whatever the workflow adds. */
  tickets: TicketService<never>;
  clock: Clock;
  logger: Logger;
  /** The realtime hub answering the stream routes. */
  stream(request: Request, identity: Identity): Response;
  /** Schedules the re-evaluation of open tickets after a policy change, in the change's transaction. */
  policiesChanged(tx: SqlExecutor, workspaceId: string): Promise<void>;
  /** Whether new end-user tickets start at Tier 0 with the assistant answering first. */
  assistantEnabled: boolean;
  /** Runs the Tier 0 assistant on a committed new ticket: a bot answer, or straight on to L1. */
  answerNewTicket(ticket: Ticket): Promise<void>;
  /** Validates custom fields with the host's schema (400 with paths under `customFields`). */
  validateCustomFields(value: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Moves a Tier 0 ticket on to L1 (the requester wants a person), in the caller's transaction. */
  leaveTierZero(tx: SqlExecutor, ticket: Ticket, reason: string): Promise<Ticket>;
}

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** Everything a route implementation receives, already authenticated and validated. */
export interface RouteContext<R extends RouteDef> {
  request: Request;
  /** The caller; null only on public routes. */
  identity: Identity | null;
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  /** The `If-Match` version on versioned routes, when sent. */
  ifMatch: number | undefined;
  /** Where to run SQL: the idempotency transaction when there is one, else the database. */
  exec: SqlExecutor;
  /** The idempotency transaction of a POST with `Idempotency-Key`. */
  tx: SqlExecutor | undefined;
  app: AppServices;
  /** Runs a task once the route's writes are committed, before the answer is sent (never inside the transaction). */
  defer(task: () => Promise<void>): void;
}

/** A route's answer: its body (and optionally status and headers), or a raw Response for streams. */
export type RouteAnswer<R extends RouteDef> =
  | { body: RouteOutput<R>; status?: number; headers?: Record<string, string> }
  | { response: Response };

/** The implementation of one route of the contract. */
export type RouteImpl<R extends RouteDef> = (ctx: RouteContext<R>) => Promise<RouteAnswer<R>>;

/** Implementations of a set of routes. */
export type RouteImpls<K extends RouteName> = { [N in K]: RouteImpl<Routes[N]> };

/** The end user behind a user-scope route (the router has checked the scope). */
export function endUser(ctx: { identity: Identity | null }): EndUserIdentity {
  if (ctx.identity?.kind !== 'user') throw new ApiError('forbidden', 'This route is for end users.');
  return ctx.identity;
}

/** The agent behind an agent-scope route (the router has checked the scope). */
export function agent(ctx: { identity: Identity | null }): AgentIdentity {
  if (ctx.identity?.kind !== 'agent') throw new ApiError('forbidden', 'This route is for agents.');
  return ctx.identity;
}

/**
 * Runs `work` in the route's idempotency transaction when there is one, else in a new transaction:
 * a route's several writes (a step and its follow-up, a policy and its re-evaluation) commit together.
 */
export function inTransaction<T>(
  ctx: { tx: SqlExecutor | undefined; app: AppServices },
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  return ctx.tx === undefined ? ctx.app.db.transaction(work) : work(ctx.tx);
}

/** Opaque keyset cursors: the sort key of the last item, base64url JSON. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} with `n` values; a malformed one is a 400 on `cursor`. */
export function decodeCursor(
  cursor: string | undefined,
  shape: readonly ('string' | 'number')[],
): (string | number)[] | null {
  if (cursor === undefined) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    values.some((v, i) => typeof v !== shape[i] || !validCursorValue(v, i === 0 && shape[0] === 'string'))
  ) {
    throw new ApiError(
      'validation_failed',
      'Invalid query: the cursor is not one this server issued (at query.cursor)',
      {
        issues: [{ path: ['cursor'], code: 'invalid_cursor', message: 'Malformed pagination cursor' }],
      },
    );
  }
  return values as (string | number)[];
}

// Cursor values go into SQL as parameters: a timestamp must be one this server could have written
// (an ISO instant that round-trips), a sequence number a non-negative safe integer, an id short text.
function validCursorValue(value: unknown, isInstant: boolean): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  if (typeof value !== 'string' || value.length > 200) return false;
  if (!isInstant) return true;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && isStorableInstant(ms) && new Date(ms).toISOString() === value;
}

/** Whether an instant lies in years 1970–9999, the range timestamps in this API may take. */
export function isStorableInstant(ms: number): boolean {
  return ms >= 0 && ms < Date.UTC(10000, 0, 1);
}
