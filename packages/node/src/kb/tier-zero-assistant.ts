import type { ArticleSearchHit, Ticket } from '@tierdesk/core';

/** What the Tier 0 assistant proposes on a new ticket. */
export interface AssistantAnswer {
  /** The bot's public message (markdown). Link articles as `[Title](tierdesk:article/<id>)`. */
  body: string;
  /** The articles the answer relies on (the widget offers "this solved it" for them). */
  articleIds: string[];
}

/** What an answerer may use. */
export interface AssistantTools {
  /** Ranked published articles of the ticket's workspace matching any of the words of `text`. */
  searchArticles(text: string, limit: number): Promise<ArticleSearchHit[]>;
  /** Aborted when the answer takes too long (the ticket then goes to L1). */
  signal: AbortSignal;
}

/**
 * The Tier 0 assistant: replies first on a new end-user ticket. Return null when there is nothing
 * useful to say; the ticket then moves to L1 at once. Hosts may plug in an LLM here.
 */
export type TierZeroAnswerer = (
  ticket: Ticket,
  question: string,
  tools: AssistantTools,
) => Promise<AssistantAnswer | null>;

/** The default answerer: the best knowledge-base matches for the ticket's subject and first message. */
export const knowledgeBaseAnswerer: TierZeroAnswerer = async (_ticket, question, tools) => {
  const hits = await tools.searchArticles(question, 3);
  // A weak match is worse than none: the requester would wait at Tier 0 for an answer that is not one.
  const useful = hits.filter((hit) => hit.rank >= 0.01);
  if (useful.length === 0) return null;
  const lines = useful.map((hit) => `- [${escapeLinkText(hit.title)}](tierdesk:article/${hit.id})`);
  return {
    body: ['While the team picks this up, these articles may already answer it:', '', ...lines].join('\n'),
    articleIds: useful.map((hit) => hit.id),
  };
};

function escapeLinkText(text: string): string {
  return text.replace(/[[\]\\]/g, (ch) => `\\${ch}`);
}
