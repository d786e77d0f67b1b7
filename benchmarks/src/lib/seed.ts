import { makeArticles } from './corpus';
import { createRandom } from './stats';

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function parallel(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** A JSON request that must succeed; anything else stops the benchmark with the answer. */
export async function api<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Publishes `count` generated articles through the agent API. */
export async function seedArticles(
  baseUrl: string,
  agentKey: string,
  count: number,
  seed = 7,
): Promise<void> {
  const articles = makeArticles(count, seed);
  await parallel(count, 8, async (i) => {
    await api(baseUrl, 'POST', '/v1/agent/articles', agentKey, { ...articles[i], published: true });
  });
}

/** A ticket subject and body for ticket `i`, the same in every run. */
export function ticketText(i: number): { subject: string; body: string } {
  const random = createRandom(1000 + i);
  const words = ['export', 'login', 'invoice', 'webhook', 'sync', 'upload', 'report', 'password'];
  const w = () => words[Math.floor(random() * words.length)];
  return {
    subject: `${w()} fails after ${w()} (#${i})`,
    body: `Since this morning the ${w()} page shows an error when I try the ${w()}. Steps: open settings, click ${w()}, nothing happens. Browser: Firefox.`,
  };
}

/** Opens `perUser` tickets for each token through the end-user API; returns [ticketId, token] pairs. */
export async function seedTickets(
  baseUrl: string,
  tokens: readonly string[],
  perUser: number,
): Promise<{ id: string; token: string }[]> {
  const made: { id: string; token: string }[] = [];
  await parallel(tokens.length * perUser, 16, async (i) => {
    const token = tokens[i % tokens.length] as string;
    const ticket = await api<{ id: string }>(baseUrl, 'POST', '/v1/tickets', token, ticketText(i));
    made.push({ id: ticket.id, token });
  });
  return made;
}
