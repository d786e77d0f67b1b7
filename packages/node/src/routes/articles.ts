import type { Article, MarkdownDocument } from '@tierdesk/core';
import { ApiError } from '../http/api-error';
import { createId } from '../ids';
import { searchPublishedArticles } from '../kb/article-search';
import { parseMarkdown } from '../markdown';
import { agent, decodeCursor, encodeCursor, endUser, type RouteImpls } from './route.types';

interface ArticleRow {
  [column: string]: unknown;
  id: string;
  workspace_id: string;
  title: string;
  body: string;
  body_nodes: MarkdownDocument | null;
  tags: string[];
  locale: string;
  published: boolean;
  helpful_count: number;
  not_helpful_count: number;
  views: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, workspace_id, title, body, body_nodes, tags, locale, published, helpful_count, not_helpful_count, views, created_at, updated_at';

function toArticle(row: ArticleRow): Article {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    title: row.title,
    body: row.body,
    ...(row.body_nodes === null ? {} : { bodyNodes: row.body_nodes }),
    tags: row.tags,
    locale: row.locale,
    published: row.published,
    helpfulCount: row.helpful_count,
    notHelpfulCount: row.not_helpful_count,
    views: row.views,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const DEFLECTION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** The article routes: search, read and vote (end users), CRUD (agents). */
export const articleRoutes: RouteImpls<
  | 'searchArticles'
  | 'getArticle'
  | 'articleFeedback'
  | 'recordDeflection'
  | 'listArticles'
  | 'createArticle'
  | 'updateArticle'
  | 'deleteArticle'
> = {
  async searchArticles(ctx) {
    const user = endUser(ctx);
    const items = await searchPublishedArticles(ctx.exec, user.workspaceId, {
      q: ctx.query.q,
      locale: ctx.query.locale,
      limit: ctx.query.limit,
      match: ctx.query.match ?? 'all',
    });
    return { body: { items } };
  },

  async getArticle(ctx) {
    const user = endUser(ctx);
    const { rows } = await ctx.exec.query<ArticleRow>(
      `UPDATE articles SET views = views + 1 WHERE workspace_id = $1 AND id = $2 AND published RETURNING ${COLUMNS}`,
      [user.workspaceId, ctx.params.articleId],
    );
    const row = rows[0];
    if (row === undefined) throw new ApiError('not_found', 'No such article.');
    return { body: toArticle(row) };
  },

  async articleFeedback(ctx) {
    const user = endUser(ctx);
    const column = ctx.body.helpful ? 'helpful_count' : 'not_helpful_count';
    const { rowCount } = await ctx.exec.query(
      `UPDATE articles SET ${column} = ${column} + 1 WHERE workspace_id = $1 AND id = $2 AND published`,
      [user.workspaceId, ctx.params.articleId],
    );
    if (rowCount !== 1) throw new ApiError('not_found', 'No such article.');
    if (ctx.body.sessionId !== undefined) {
      const event = {
        type: 'article.voted',
        sessionId: ctx.body.sessionId,
        at: new Date(ctx.app.clock.now()).toISOString(),
        articleId: ctx.params.articleId,
        helpful: ctx.body.helpful,
      };
      await ctx.exec.query(
        'INSERT INTO deflection_events (workspace_id, session_id, type, at, event) VALUES ($1, $2, $3, $4, $5)',
        [user.workspaceId, event.sessionId, event.type, event.at, JSON.stringify(event)],
      );
    }
    return { body: { ok: true }, status: 201 };
  },

  async recordDeflection(ctx) {
    const user = endUser(ctx);
    const now = ctx.app.clock.now();
    const events = ctx.body.events;
    for (const [i, event] of events.entries()) {
      // The server records ticket creations itself; a client claiming one would skew deflection.
      if (event.type === 'ticket.created') {
        throw new ApiError(
          'validation_failed',
          `Invalid body: ticket.created is recorded by the server (at body.events.${i}.type)`,
          {
            issues: [{ path: ['events', i, 'type'], code: 'not_allowed', message: 'recorded by the server' }],
          },
        );
      }
      // The widget may send steps it kept while offline, but not from the distant past or the future.
      const at = Date.parse(event.at);
      if (!(at >= now - DEFLECTION_MAX_AGE_MS && at <= now + 5 * 60_000)) {
        throw new ApiError(
          'validation_failed',
          `Invalid body: the step's time is out of range (at body.events.${i}.at)`,
          {
            issues: [
              { path: ['events', i, 'at'], code: 'out_of_range', message: 'must be within the last 7 days' },
            ],
          },
        );
      }
    }
    await ctx.exec.query(
      `INSERT INTO deflection_events (workspace_id, session_id, type, at, event)
       SELECT $1, e.event->>'sessionId', e.event->>'type', (e.event->>'at')::timestamptz, e.event
         FROM jsonb_array_elements($2::jsonb) AS e(event)`,
      [user.workspaceId, JSON.stringify(events)],
    );
    return { body: { ok: true }, status: 202 };
  },

  async listArticles(ctx) {
    const me = agent(ctx);
    const after = decodeCursor(ctx.query.cursor, ['string', 'string']);
    const limit = ctx.query.limit;
    const { rows } = await ctx.exec.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM articles
        WHERE workspace_id = $1 AND ($2::timestamptz IS NULL OR (updated_at, id) < ($2::timestamptz, $3::text))
        ORDER BY updated_at DESC, id DESC LIMIT $4`,
      [me.workspaceId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      body: {
        items: page.map(toArticle),
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.updated_at.toISOString(), last.id]) : null,
      },
    };
  },

  async createArticle(ctx) {
    const me = agent(ctx);
    const now = new Date(ctx.app.clock.now()).toISOString();
    const { rows } = await ctx.exec.query<ArticleRow>(
      `INSERT INTO articles (id, workspace_id, title, body, tags, locale, published, created_at, updated_at, body_nodes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING ${COLUMNS}`,
      [
        createId('art'),
        me.workspaceId,
        ctx.body.title,
        ctx.body.body,
        ctx.body.tags,
        ctx.body.locale,
        ctx.body.published,
        now,
        // Parsed once when written: readers get the safe tree without parsing.
        JSON.stringify(parseMarkdown(ctx.body.body)),
      ],
    );
    return { body: toArticle(rows[0] as ArticleRow), status: 201 };
  },

  async updateArticle(ctx) {
    const me = agent(ctx);
    const patch = ctx.body;
    const { rows } = await ctx.exec.query<ArticleRow>(
      `UPDATE articles SET title = COALESCE($3, title), body = COALESCE($4, body), tags = COALESCE($5, tags),
              locale = COALESCE($6, locale), published = COALESCE($7, published), updated_at = $8,
              body_nodes = COALESCE($9::jsonb, body_nodes)
        WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        me.workspaceId,
        ctx.params.articleId,
        patch.title ?? null,
        patch.body ?? null,
        patch.tags ?? null,
        patch.locale ?? null,
        patch.published ?? null,
        new Date(ctx.app.clock.now()).toISOString(),
        patch.body === undefined ? null : JSON.stringify(parseMarkdown(patch.body)),
      ],
    );
    const row = rows[0];
    if (row === undefined) throw new ApiError('not_found', 'No such article.');
    return { body: toArticle(row) };
  },

  async deleteArticle(ctx) {
    const me = agent(ctx);
    const { rowCount } = await ctx.exec.query('DELETE FROM articles WHERE workspace_id = $1 AND id = $2', [
      me.workspaceId,
      ctx.params.articleId,
    ]);
    if (rowCount !== 1) throw new ApiError('not_found', 'No such article.');
    return { body: undefined, status: 204 };
  },
};
