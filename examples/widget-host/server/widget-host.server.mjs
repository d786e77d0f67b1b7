// The widget host's tiny backend: serves the built app (dist/) and, for the signed-in user, signs the
// identity token the help widget sends to the Tierdesk API. A real app does exactly this in its own
// backend, behind its own session; here the "session" is one fixed demo user.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { signIdentityToken, systemClock } from '@tierdesk/node';
import { serveStatic } from './static-files.mjs';

/** The built app, next to this folder. */
export const WIDGET_HOST_DIST = resolve(import.meta.dirname, '../dist');

/** The user the demo backend signs in (the seeded demo workspace has no users of its own: any id works). */
export const DEMO_USER = Object.freeze({ id: 'user-ada', name: 'Ada Lovelace', email: 'ada@example.com' });

/** Real time a token lives at most: tokens are short-lived, the app asks again before they expire. */
const TOKEN_REAL_LIFETIME_MS = 10 * 60_000;

/**
 * @typedef {object} WidgetHostServerOptions
 * @property {string} apiUrl The Tierdesk API as the browser reaches it, e.g. `http://127.0.0.1:8787`.
 * @property {string} workspaceId The Tierdesk workspace the user belongs to.
 * @property {string} identitySecret The workspace's identity secret (shared with the Tierdesk server only).
 * @property {{ id: string, name?: string, email?: string }} [user] The signed-in user (default: {@link DEMO_USER}).
 * @property {import('@tierdesk/node').Clock} [clock] The Tierdesk server's clock: tokens carry `iat`/`exp`
 *   on it, so a demo server running a faster clock accepts them (default: the wall clock).
 * @property {number} [clockSpeed] How much faster than real time `clock` runs (default 1); sent to the app
 *   so that its countdowns follow the server's clock.
 * @property {string} [distDir] The built app (default: {@link WIDGET_HOST_DIST}).
 */

/**
 * Creates the backend (not listening yet): `GET /api/session` (who is signed in, where the support
 * API is, the demo clock), `POST /api/support-token` (a fresh identity token for that user) and the
 * built app for every other GET.
 *
 * @param {WidgetHostServerOptions} options
 * @returns {import('node:http').Server}
 */
export function createWidgetHostServer(options) {
  const user = options.user ?? DEMO_USER;
  const clock = options.clock ?? systemClock;
  const clockSpeed = options.clockSpeed ?? 1;
  const distDir = options.distDir ?? WIDGET_HOST_DIST;
  // The token's lifetime is counted on the server's clock; the verifier caps it at 24 hours of it.
  const lifetimeSeconds = Math.min(23 * 3600, Math.floor((TOKEN_REAL_LIFETIME_MS / 1000) * clockSpeed));

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/session') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
      return sendJson(res, 200, {
        user,
        supportApiUrl: options.apiUrl,
        clock: { speed: clockSpeed, nowMs: clock.now() },
      });
    }
    if (url.pathname === '/api/support-token') {
      if (req.method !== 'POST')
        return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
      signIdentityToken(
        { userId: user.id, workspaceId: options.workspaceId, name: user.name, email: user.email },
        options.identitySecret,
        { expiresInSeconds: lifetimeSeconds, clock },
      ).then(
        (token) =>
          // Refresh after 80 % of the token's life, in real milliseconds (the app's timers are real).
          sendJson(res, 200, {
            token,
            refreshInMs: Math.floor(((lifetimeSeconds * 1000) / clockSpeed) * 0.8),
          }),
        () => sendJson(res, 500, { error: 'could not sign a token' }),
      );
      return;
    }
    if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'not found' });
    serveStatic(distDir, url.pathname, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
