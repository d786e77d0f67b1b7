import type { ErrorIssue } from '../contract/errors';
import type { StreamEvent } from '../contract/inputs.schema';
import { routeTable } from '../contract/route-table';
import type { ClientOptions, TierdeskClient } from './client.types';
import { type ClientChecks, type ClientErrorBody, createClientWith, isObject } from './client-core';

const STREAM_EVENT_TYPES = new Set(['ticket.updated', 'timeline.appended', 'stream.ready', 'stream.reset']);

/**
 * Structural checks only: the server validates every input (answering 400 with the zod issue path)
 * and builds every answer from the same contract, so this client trusts answers' shapes, and reads
 * error bodies and stream events defensively by hand.
 */
const structuralChecks: ClientChecks<never> = {
  input: (_name, _location, _schema, value) => value,
  output: (_name, _schema, data) => data,
  errorBody(data) {
    const error = isObject(data) ? data.error : undefined;
    if (!isObject(error) || typeof error.code !== 'string' || error.code === '') return undefined;
    if (typeof error.message !== 'string') return undefined;
    const body: ClientErrorBody = { code: error.code, message: error.message };
    if (Array.isArray(error.issues)) body.issues = error.issues.filter(isIssue);
    return body;
  },
  streamEvent(data) {
    if (!isObject(data) || typeof data.type !== 'string') return { problem: 'not an event object' };
    if (!STREAM_EVENT_TYPES.has(data.type)) return { problem: `unknown event type "${data.type}"` };
    if (data.type === 'ticket.updated' && !isObject(data.ticket)) return { problem: 'ticket missing' };
    if (data.type === 'timeline.appended' && (typeof data.ticketId !== 'string' || !isObject(data.event))) {
      return { problem: 'ticketId or event missing' };
    }
    return { event: data as StreamEvent };
  },
};

function isIssue(value: unknown): value is ErrorIssue {
  return (
    isObject(value) &&
    Array.isArray(value.path) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string'
  );
}

/**
 * Creates the typed API client without client-side schema validation: the same methods, types,
 * retries, idempotency keys and typed errors as {@link createClient}, but inputs are sent as given
 * (the server rejects bad ones with HTTP 400, code `validation_failed` and the issue paths, which
 * arrive as a `TierdeskApiError`) and answers are returned as received. It bundles no schema
 * library (~4 KB min+gzip with ky, instead of ~24 KB), which is why the React widget uses it.
 *
 * @example
 * ```ts
 * const client = createLeanClient({ baseUrl: '/support', getToken: () => session.identityToken });
 * const { items } = await client.listMyTickets();
 * ```
 */
export function createLeanClient(options: ClientOptions): TierdeskClient {
  return createClientWith<never>(routeTable, structuralChecks, options);
}
