import { createRandom } from './stats';

// Words of a support knowledge base; articles and searches are drawn from them. Each article is about
// two topics (its title, heading and tags, and a share of its sentences) and mentions others in passing,
// so one search word matches a few percent of the articles, as in a real knowledge base: measured with
// `matchShare` below at 1 000 articles, 4–7 % for one word (median 5 %) and ~0.3 % for two. An earlier corpus drew a
// third of every body from the topics, so each word matched ~37 % of the articles and search time grew
// with the articles themselves rather than with the matches.
const TOPICS = [
  'password',
  'reset',
  'login',
  'account',
  'billing',
  'invoice',
  'refund',
  'export',
  'import',
  'csv',
  'report',
  'dashboard',
  'api',
  'token',
  'webhook',
  'integration',
  'slack',
  'email',
  'notification',
  'calendar',
  'timezone',
  'permission',
  'role',
  'admin',
  'team',
  'invite',
  'workspace',
  'project',
  'upload',
  'attachment',
  'storage',
  'quota',
  'limit',
  'plan',
  'upgrade',
  'downgrade',
  'subscription',
  'payment',
  'card',
  'tax',
  'vat',
  'receipt',
  'sso',
  'saml',
  'oauth',
  'mobile',
  'android',
  'ios',
  'browser',
  'chrome',
  'firefox',
  'safari',
  'cache',
  'cookie',
  'session',
  'timeout',
  'error',
  'crash',
  'slow',
  'performance',
  'sync',
  'offline',
  'backup',
  'restore',
  'delete',
  'archive',
  'search',
  'filter',
  'tag',
  'label',
  'template',
  'automation',
  'rule',
  'trigger',
  'schedule',
  'reminder',
  'language',
  'translation',
  'theme',
  'dark',
  'font',
  'print',
  'pdf',
  'share',
  'link',
  'domain',
  'dns',
  'certificate',
  'security',
  'audit',
  'log',
  'history',
  'version',
  'release',
  'beta',
  'bug',
];
const FILLER = [
  'the',
  'your',
  'when',
  'after',
  'before',
  'how',
  'to',
  'with',
  'for',
  'in',
  'not',
  'does',
  'can',
  'set',
  'up',
  'change',
  'find',
  'fix',
  'open',
  'select',
  'click',
  'settings',
  'page',
  'menu',
  'then',
  'and',
  'or',
  'a',
  'new',
  'old',
  'all',
  'each',
  'user',
  'users',
  'button',
  'screen',
  'again',
  'works',
];

/** The topic words searches are drawn from. */
export const SEARCH_WORDS = TOPICS;

/** `count` distinct articles, the same in every run: a 4–7 word title and a 60–140 word markdown body. */
export function makeArticles(count: number, seed = 7): { title: string; body: string; tags: string[] }[] {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  let topic = '';
  let second = '';
  const sentence = (words: number) => {
    const parts: string[] = [];
    for (let w = 0; w < words; w++) {
      const r = random();
      // 8 % the article's own topics, 2.5 % any topic in passing, the rest common words.
      parts.push(r < 0.04 ? topic : r < 0.08 ? second : r < 0.105 ? pick(TOPICS) : pick(FILLER));
    }
    return `${parts.join(' ')}.`;
  };
  return Array.from({ length: count }, (_, i) => {
    topic = pick(TOPICS);
    second = pick(TOPICS);
    const title = `How to ${topic} ${pick(FILLER)} ${second} #${i + 1}`;
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 3) }, () =>
      Array.from({ length: 3 + Math.floor(random() * 3) }, () => sentence(6 + Math.floor(random() * 8))).join(
        ' ',
      ),
    );
    const body = `## ${topic} and ${second}\n\n${paragraphs.join('\n\n')}\n\n- ${sentence(5)}\n- ${sentence(5)}`;
    return { title, body, tags: [topic, second] };
  });
}

/** Share of `articles` whose title or body holds `word` (case-insensitive, whole words): the corpus's selectivity. */
export function matchShare(articles: readonly { title: string; body: string }[], word: string): number {
  const pattern = new RegExp(`\\b${word}\\b`, 'i');
  return articles.filter((a) => pattern.test(a.title) || pattern.test(a.body)).length / articles.length;
}
