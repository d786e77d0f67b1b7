import * as z from 'zod/mini';
import { IdSchema, InstantSchema, TagSchema } from '../shared/primitives.schema';
import { MarkdownDocumentSchema } from './markdown.schema';

/** A knowledge-base article (Tier 0 self-service). */
export const ArticleSchema = z.object({
  id: IdSchema,
  workspaceId: IdSchema,
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
  /** Markdown source. */
  body: z.string().check(z.maxLength(200_000)),
  tags: z.array(TagSchema),
  /** BCP 47 language tag, e.g. `en` or `pt-BR`. */
  locale: z.string().check(z.regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/)),
  published: z.boolean(),
  helpfulCount: z.number().check(z.int(), z.nonnegative()),
  notHelpfulCount: z.number().check(z.int(), z.nonnegative()),
  views: z.number().check(z.int(), z.nonnegative()),
  /** The body as a safe markdown node tree, parsed by the server (render it with `<Markdown>`). */
  bodyNodes: z.optional(MarkdownDocumentSchema),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
/** An article. */
export type Article = z.infer<typeof ArticleSchema>;

/** What an agent writes to create an article. */
export const ArticleInputSchema = z.object({
  title: ArticleSchema.shape.title,
  body: ArticleSchema.shape.body,
  tags: z._default(z.array(TagSchema).check(z.maxLength(50)), []),
  locale: z._default(ArticleSchema.shape.locale, 'en'),
  published: z._default(z.boolean(), false),
});
/** Article input. */
export type ArticleInput = z.input<typeof ArticleInputSchema>;

/** A partial article update. */
export const ArticlePatchSchema = z.partial(
  z.object({
    title: ArticleSchema.shape.title,
    body: ArticleSchema.shape.body,
    tags: z.array(TagSchema).check(z.maxLength(50)),
    locale: ArticleSchema.shape.locale,
    published: z.boolean(),
  }),
);
/** An article patch. */
export type ArticlePatch = z.infer<typeof ArticlePatchSchema>;

/** A search hit: the article's summary, its rank and highlighted fragments. */
export const ArticleSearchHitSchema = z.object({
  id: IdSchema,
  title: z.string(),
  locale: z.string(),
  tags: z.array(TagSchema),
  rank: z.number(),
  /**
   * Highlighted fragments as text runs (never HTML): `{ text, match }` pairs the UI renders as
   * plain text with `<mark>` around the matches.
   */
  highlights: z.array(z.array(z.object({ text: z.string(), match: z.boolean() }))),
});
/** A search hit. */
export type ArticleSearchHit = z.infer<typeof ArticleSearchHitSchema>;

/** A helpful / not-helpful vote on an article. */
export const ArticleFeedbackSchema = z.object({
  helpful: z.boolean(),
  /** The widget session the vote came from, for deflection metrics. */
  sessionId: z.optional(IdSchema),
});
/** Article feedback. */
export type ArticleFeedback = z.infer<typeof ArticleFeedbackSchema>;
