/**
 * The signed-in user of this example. A real app takes it from its session (NextAuth, Clerk, its own
 * cookie…); this one is the end user `tierdesk serve --seed` prints a token for.
 */
export const DEMO_USER = { id: 'user-ada', name: 'Ada Lovelace', email: 'ada@example.com' } as const;
