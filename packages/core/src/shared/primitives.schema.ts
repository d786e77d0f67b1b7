import * as z from 'zod/mini';

/** An opaque identifier (the server generates unguessable ones). */
export const IdSchema = z.string().check(z.minLength(1), z.maxLength(64));
/** An identifier. */
export type Id = z.infer<typeof IdSchema>;

/** An instant as an ISO-8601 UTC timestamp (`2026-11-23T09:00:00.000Z`). */
export const InstantSchema = z.iso.datetime();
/** An ISO-8601 UTC timestamp. */
export type Instant = z.infer<typeof InstantSchema>;

/** A calendar date without time (`2026-12-25`), read in the calendar's own time zone. */
export const LocalDateSchema = z.iso.date();
/** A local calendar date. */
export type LocalDate = z.infer<typeof LocalDateSchema>;

/** A tag: lower-case words, digits, `-`, `_`, `:` and `.`. */
export const TagSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[\p{Ll}\p{Lo}\p{N}_:.-]+$/u));

/** Who did something, for the audit trail. */
export const ActorSchema = z.object({
  type: z.enum(['customer', 'agent', 'bot', 'system']),
  id: z.optional(IdSchema),
  name: z.optional(z.string().check(z.maxLength(200))),
});
/** Who did something. */
export type Actor = z.infer<typeof ActorSchema>;

/** The system itself (timers, rules) as an actor. */
export const SYSTEM_ACTOR: Actor = { type: 'system' };
