import { toErrorIssues } from '../contract/error-status';
import { ErrorBodySchema } from '../contract/errors';
import { StreamEventSchema } from '../contract/inputs.schema';
import type { AnySchema } from '../contract/route';
import { routes } from '../contract/routes';
import type { ClientOptions, TierdeskClient } from './client.types';
import { type ClientChecks, createClientWith } from './client-core';
import { TierdeskResponseError, TierdeskValidationError } from './errors';

/** Checks against the contract's schemas: inputs before sending, answers and stream events on arrival. */
const schemaChecks: ClientChecks<AnySchema> = {
  input(name, location, schema, value) {
    if (schema === undefined || schema === true) return value;
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new TierdeskValidationError(location, toErrorIssues(result.error.issues), { route: name });
    }
    return result.data;
  },
  output(name, schema, data, details) {
    if (schema === true) return data;
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issues = toErrorIssues(result.error.issues);
    const first = issues[0];
    const at = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new TierdeskResponseError(
      `${name} answered with a body that does not match the contract${at}: ${first?.message ?? ''}`,
      { ...details, issues },
    );
  },
  errorBody(data) {
    const parsed = ErrorBodySchema.safeParse(data);
    return parsed.success ? parsed.data.error : undefined;
  },
  streamEvent(data) {
    const parsed = StreamEventSchema.safeParse(data);
    if (parsed.success) return { event: parsed.data };
    const first = parsed.error.issues[0];
    return { problem: `${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim() };
  },
};

/**
 * Creates the typed API client: one method per route of the contract, each validating its input
 * before sending and the answer before returning it. Bundles the contract's schemas (zod/mini);
 * {@link createLeanClient} has the same API and leaves validation to the server.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: 'https://help.example.com', getToken: () => session.token });
 * const ticket = await client.createTicket({ body: { subject: 'Cannot log in', body: 'Since 9:00…' } });
 * await client.updateTicket({ params: { ticketId: ticket.id }, body: { priority: 'high' }, ifMatch: ticket.version });
 * ```
 */
export function createClient(options: ClientOptions): TierdeskClient {
  return createClientWith<AnySchema>(routes, schemaChecks, options);
}
