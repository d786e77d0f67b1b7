// The agent console's tiny backend: the built app (dist/) and /config.json, which tells the app
// where the Tierdesk API is. It holds no secret: agents sign in with their own API key, which goes
// from the browser straight to the Tierdesk API.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { serveStatic } from './static-files.mjs';

/** The built app, next to this folder. */
export const AGENT_CONSOLE_DIST = resolve(import.meta.dirname, '../dist');

/**
 * @typedef {object} AgentConsoleServerOptions
 * @property {string} apiUrl The Tierdesk API as the browser reaches it, e.g. `http://127.0.0.1:8787`.
 * @property {{ now(): number }} [clock] The Tierdesk server's clock (default: the wall clock).
 * @property {number} [clockSpeed] How much faster than real time `clock` runs (default 1); the app's
 *   SLA countdowns follow it.
 * @property {string} [distDir] The built app (default: {@link AGENT_CONSOLE_DIST}).
 */

/**
 * Creates the console's backend (not listening yet).
 *
 * @param {AgentConsoleServerOptions} options
 * @returns {import('node:http').Server}
 */
export function createAgentConsoleServer(options) {
  const distDir = options.distDir ?? AGENT_CONSOLE_DIST;
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify({
          apiUrl: options.apiUrl,
          clock: { speed: options.clockSpeed ?? 1, nowMs: options.clock?.now() ?? Date.now() },
        }),
      );
      return;
    }
    serveStatic(distDir, url.pathname, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
