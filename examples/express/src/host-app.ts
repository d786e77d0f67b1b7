import { randomBytes } from 'node:crypto';
import {
  createTierdesk,
  type Logger,
  type StoreOptions,
  signIdentityToken,
  type Tierdesk,
  tierdeskExpress,
} from '@tierdesk/node';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  createHostUserStore,
  createSessionStore,
  type HostUser,
  type NewHostUser,
  SESSION_COOKIE,
} from './host-users';

/** The Tierdesk workspace of this app. */
export const WORKSPACE_ID = 'acme';

/**
 * Which of the host's staff work in support, and as which Tierdesk agent. Staff not listed here
 * (finance, say) are signed in to the app but are no agents.
 */
export const AGENT_OF_STAFF: Readonly<Record<string, string>> = {
  'staff-lee': 'agent-lee',
  'staff-kim': 'agent-kim',
};

/** The example's accounts (the passwords are demo passwords). */
export const DEMO_USERS: readonly NewHostUser[] = [
  { id: 'staff-lee', email: 'lee@acme.example', name: 'Lee', role: 'staff', password: 'lee-demo-password' },
  { id: 'staff-kim', email: 'kim@acme.example', name: 'Kim', role: 'staff', password: 'kim-demo-password' },
  {
    id: 'staff-finn',
    email: 'finn@acme.example',
    name: 'Finn (finance)',
    role: 'staff',
    password: 'finn-demo-password',
  },
  {
    id: 'cust-ada',
    email: 'ada@customer.example',
    name: 'Ada',
    role: 'customer',
    password: 'ada-demo-password',
  },
];

/** Options of {@link createHostApp}. */
export interface HostAppOptions {
  /** Where Tierdesk keeps its data; default PGlite in memory. */
  store?: StoreOptions;
  /** The workspace secret identity tokens are signed with (≥ 32 bytes); default random per process. */
  identitySecret?: string;
  /** Tierdesk's own secret for visitor tokens; default random per process. */
  serverSecret?: string;
  /** The app's accounts; default {@link DEMO_USERS}. */
  users?: readonly NewHostUser[];
  /** Tierdesk's logger; default JSON lines on the console. */
  logger?: Logger;
}

/** The running example: the Express app (not listening yet) and the Tierdesk server inside it. */
export interface HostApp {
  app: Express;
  tierdesk: Tierdesk;
  /** Closes Tierdesk (background work, streams, database). Close your HTTP server first. */
  close(): Promise<void>;
}

const TOKEN_LIFETIME_SECONDS = 60 * 60;

/**
 * Builds the host application: its own login, sessions and routes, with Tierdesk mounted under
 * `/support`. Staff in {@link AGENT_OF_STAFF} act as Tierdesk agents through their app session (the
 * `authenticateAgent` hook); every signed-in user can get an identity token for the help widget.
 */
export async function createHostApp(options: HostAppOptions = {}): Promise<HostApp> {
  const users = await createHostUserStore(options.users ?? DEMO_USERS);
  const sessions = createSessionStore(users);
  const identitySecret = options.identitySecret ?? randomBytes(32).toString('base64url');

  const tierdesk = await createTierdesk({
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.serverSecret === undefined ? {} : { serverSecret: options.serverSecret }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    workspaces: [
      {
        id: WORKSPACE_ID,
        name: 'Acme',
        identitySecret,
        policies: {
          slaPolicies: [
            {
              id: 'sla-standard',
              name: 'Standard (24/7)',
              position: 0,
              conditions: {},
              targets: { first_response: { minutes: 60 }, resolution: { minutes: 8 * 60 } },
            },
          ],
        },
        agents: [
          { id: 'agent-lee', name: 'Lee', tiers: [1], capacity: 20 },
          { id: 'agent-kim', name: 'Kim', tiers: [1, 2], capacity: 10 },
        ],
      },
    ],
    // Tierdesk asks the app who an agent is: the app's own session cookie, mapped to an agent id.
    authenticateAgent: async (request) => {
      // An explicit credential speaks for itself: the widget sends the user's identity token, and a
      // staff member using the widget is an end user there, not an agent.
      if (request.headers.has('authorization')) return null;
      const user = sessions.userOf(request.headers.get('cookie'));
      const agentId = user?.role === 'staff' ? AGENT_OF_STAFF[user.id] : undefined;
      return user === undefined || agentId === undefined
        ? null
        : { workspaceId: WORKSPACE_ID, agentId, name: user.name };
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.locals.user = sessions.userOf(req.headers.cookie);
    next();
  });
  // Mounted before the JSON parser, so request bodies stream to Tierdesk with its own size limits.
  app.use('/support', tierdeskExpress(tierdesk.fetch, options.logger ? { logger: options.logger } : {}));
  app.use(express.json({ limit: '16kb' }));

  app.post('/login', async (req, res) => {
    const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
    const user =
      typeof email === 'string' && typeof password === 'string'
        ? await users.verifyPassword(email, password)
        : null;
    if (user === null) {
      res.status(401).json({ error: 'invalid_credentials' });
      return;
    }
    const session = sessions.create(user.id);
    // SameSite=Lax keeps the cookie off cross-site writes: with it, Tierdesk's agent routes (which
    // trust this cookie through the hook) cannot be driven by another site's form or script.
    res.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      expires: session.expiresAt,
    });
    res.json({ user });
  });

  app.post('/logout', (req, res) => {
    sessions.destroy(req.headers.cookie);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  app.get('/api/me', requireUser, (_req, res) => {
    res.json({ user: currentUser(res), agentId: agentIdOf(currentUser(res)) ?? null });
  });

  app.get('/api/orders', requireUser, (_req, res) => {
    const user = currentUser(res);
    res.json({ orders: [{ id: `ord-${user.id}-1`, total: 4200, currency: 'EUR' }] });
  });

  // The help widget's `getToken`: the signed-in user's Tierdesk identity, signed by this backend.
  app.post('/api/support-token', requireUser, async (_req, res) => {
    const user = currentUser(res);
    const token = await signIdentityToken(
      { userId: user.id, workspaceId: WORKSPACE_ID, name: user.name, email: user.email },
      identitySecret,
      { expiresInSeconds: TOKEN_LIFETIME_SECONDS },
    );
    res.set('cache-control', 'no-store').json({
      token,
      workspaceId: WORKSPACE_ID,
      userId: user.id,
      expiresInSeconds: TOKEN_LIFETIME_SECONDS,
    });
  });

  return { app, tierdesk, close: () => tierdesk.close() };
}

function currentUser(res: Response): HostUser {
  return res.locals.user as HostUser;
}

function agentIdOf(user: HostUser): string | undefined {
  return user.role === 'staff' ? AGENT_OF_STAFF[user.id] : undefined;
}

function requireUser(_req: Request, res: Response, next: NextFunction): void {
  if (res.locals.user === undefined) {
    res.status(401).json({ error: 'not_signed_in' });
    return;
  }
  next();
}
