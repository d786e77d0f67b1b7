import * as z from 'zod/mini';
import { IdSchema, InstantSchema } from '../shared/primitives.schema';

const base = { sessionId: IdSchema, at: InstantSchema };

/**
 * Self-service steps recorded by the widget, stored in the product's own database so that
 * deflection, first-contact resolution and escalation rates are exact rather than estimated.
 */
export const DeflectionEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('search'),
    ...base,
    query: z.string().check(z.maxLength(500)),
    resultCount: z.number().check(z.int(), z.nonnegative()),
  }),
  z.object({ type: z.literal('article.viewed'), ...base, articleId: IdSchema }),
  z.object({ type: z.literal('article.voted'), ...base, articleId: IdSchema, helpful: z.boolean() }),
  z.object({
    type: z.literal('suggestions.shown'),
    ...base,
    articleIds: z.array(IdSchema).check(z.maxLength(20)),
  }),
  z.object({ type: z.literal('suggestion.opened'), ...base, articleId: IdSchema }),
  z.object({ type: z.literal('ticket.created'), ...base, ticketId: IdSchema }),
]);
/** A deflection event. */
export type DeflectionEvent = z.infer<typeof DeflectionEventSchema>;
