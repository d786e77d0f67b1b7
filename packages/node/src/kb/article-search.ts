import type { ArticleSearchHit } from '@tierdesk/core';
import type { SqlExecutor } from '../store';

// ts_headline marks matches with these control characters; the fragments are then cut into text runs,
// so nothing HTML-shaped ever leaves the server and the widget renders plain text with <mark>.
const START = '\u0002';
const STOP = '\u0003';
const FRAGMENTS = '\u0001';

/** Splits a ts_headline fragment marked with START/STOP into `{ text, match }` runs. */
export function toHighlightRuns(fragment: string): { text: string; match: boolean }[] {
  const runs: { text: string; match: boolean }[] = [];
  let match = false;
  let text = '';
  for (const ch of fragment) {
    if (ch === START || ch === STOP) {
      if (text !== '') runs.push({ text, match });
      text = '';
      match = ch === START;
    } else text += ch;
  }
  if (text !== '') runs.push({ text, match });
  return runs;
}

/** Options of {@link searchPublishedArticles}. */
export interface ArticleSearchOptions {
  q: string;
  locale?: string | undefined;
  limit: number;
  /**
   * `all`: every word must match (a search box: websearch syntax, quotes and `-` work).
   * `any`: any word may match, ranked by how well (deflection suggestions and the Tier 0 assistant,
   * which match a whole ticket text).
   */
  match: 'all' | 'any';
}

/** Words of free text that are safe to put into a tsquery (letters and digits only), at most 32. */
export function queryWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 1))].slice(0, 32);
}

/**
 * Full-text search of a workspace's published articles, ranked, with highlight runs. English
 * articles are stemmed and others matched word for word (see the generated `search` column); the query
 * is parsed both ways so either kind can match, and once when both ways give the same query: the planner
 * estimates `'password' | 'password'` to match twice the rows `'password'` does, and at 10 000 articles
 * that doubled estimate made it scan every article instead of the index (9.1 ms instead of 4.3 ms,
 * BENCHMARKS.md). Never fails on user input.
 */
export async function searchPublishedArticles(
  exec: SqlExecutor,
  workspaceId: string,
  options: ArticleSearchOptions,
): Promise<ArticleSearchHit[]> {
  let query: string;
  let parser: string;
  if (options.match === 'all') {
    query = options.q;
    parser = 'websearch_to_tsquery';
  } else {
    const words = queryWords(options.q);
    if (words.length === 0) return [];
    query = words.join(' | ');
    parser = 'to_tsquery';
  }
  const { rows } = await exec.query<{
    id: string;
    title: string;
    locale: string;
    tags: string[];
    rank: number;
    headline: string;
  }>(
    `SELECT a.id, a.title, a.locale, a.tags, ts_rank(a.search, q) AS rank,
            ts_headline(CASE WHEN a.locale LIKE 'en%' THEN 'english'::regconfig ELSE 'simple'::regconfig END,
                        a.title || ' — ' || a.body, q,
                        'StartSel=${START}, StopSel=${STOP}, MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=${FRAGMENTS}') AS headline
       FROM articles a,
            (SELECT CASE WHEN english = simple THEN english ELSE english || simple END AS q
               FROM (SELECT ${parser}('english', $2) AS english, ${parser}('simple', $2) AS simple) parsed) query
      WHERE a.workspace_id = $1 AND a.published AND a.search @@ q
        AND ($3::text IS NULL OR a.locale = $3 OR a.locale LIKE $3 || '-%')
      ORDER BY rank DESC, a.id
      LIMIT $4`,
    [workspaceId, query, options.locale ?? null, options.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    locale: r.locale,
    tags: r.tags,
    rank: Number(r.rank),
    highlights: r.headline
      .split(FRAGMENTS)
      .map(toHighlightRuns)
      .filter((runs) => runs.length > 0),
  }));
}
