// The demo, as a function: the Tierdesk server on embedded PGlite with the seeded demo workspace on a
// faster clock, the widget host app with its token-signing backend, and the agent console, each on
// its own localhost port. `demo.mjs` is the command around it (`npm run demo`).
import { randomBytes } from 'node:crypto';
import { isWithinBusinessHours, nextOpening } from '@tierdesk/core';
import { createAgentConsoleServer } from '@tierdesk/example-agent-console/server';
import { createWidgetHostServer, DEMO_USER } from '@tierdesk/example-widget-host/server';
import {
  createAcceleratedClock,
  createNodeServer,
  createTierdesk,
  DEMO_WORKSPACE_ID,
  demoWorkspace,
  seedDemoData,
  systemClock,
} from '@tierdesk/node';

/** A start that cannot go on (a port taken, a bad setting), with a message for the person running it. */
export class DemoStartError extends Error {
  /** @override */
  name = 'DemoStartError';
}

/**
 * @typedef {object} DemoOptions
 * @property {string} [host] The address every server listens on (default 127.0.0.1).
 * @property {number} [apiPort] The Tierdesk API (default 8787; 0 picks a free port).
 * @property {number} [hostPort] The widget host app (default 5173).
 * @property {number} [consolePort] The agent console (default 5174).
 * @property {number} [clockSpeed] How many times faster than real time the server's clock runs (default 60).
 * @property {'auto' | 'now' | number} [clockStart] Where the clock starts: `'auto'` (default) is now while
 *   the demo's Berlin office is open and its next opening otherwise, so SLA clocks run from the start;
 *   `'now'`; or an instant (epoch ms).
 * @property {string} [identitySecret] The demo workspace's identity secret (default: random).
 * @property {string} [dataDir] Keep the PGlite database in this folder (default: in memory).
 * @property {(line: string) => void} [onActivity] Called with a line for each SLA warning, breach and
 *   tier move (what the demo is about watching).
 * @property {import('@tierdesk/node').Logger} [logger] The server's logger (default: warnings and errors).
 */

/**
 * @typedef {object} DemoAgentLogin
 * @property {string} id
 * @property {string} name
 * @property {string} apiKey
 * @property {string} loginUrl The console URL that signs this agent in (credentials in the fragment).
 */

/**
 * @typedef {object} RunningDemo
 * @property {{ api: string, host: string, console: string }} urls
 * @property {{ id: string, name: string, email: string }} user The end user the widget host signs in.
 * @property {DemoAgentLogin[]} agents
 * @property {{ speed: number, startedAtMs: number, timeZone: string }} clock
 * @property {string} workspaceId
 * @property {() => Promise<void>} close Stops the servers and closes the database.
 */

/** Only warnings and errors: the demo's console shows its own lines. */
const quietLogger = {
  debug() {},
  info() {},
  /** @param {string} message @param {object} [fields] */
  warn(message, fields) {
    console.warn(JSON.stringify({ level: 'warn', message, ...fields }));
  },
  /** @param {string} message @param {object} [fields] */
  error(message, fields) {
    console.error(JSON.stringify({ level: 'error', message, ...fields }));
  },
};

/**
 * Starts the demo. Every port is taken before the database opens, so a port in use fails at once
 * with a {@link DemoStartError} naming it.
 *
 * @param {DemoOptions} [options]
 * @returns {Promise<RunningDemo>}
 */
export async function startDemo(options = {}) {
  const bind = options.host ?? '127.0.0.1';
  const speed = options.clockSpeed ?? 60;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new DemoStartError('The clock speed must be a positive number.');
  const identitySecret = options.identitySecret ?? randomBytes(32).toString('base64url');
  const workspace = demoWorkspace(identitySecret);
  const seededCalendar = workspace.policies?.calendars?.[0];
  const calendar = seededCalendar && { ...seededCalendar, holidays: seededCalendar.holidays ?? [] };
  const shiftedStart = clockStart(options.clockStart ?? 'auto', calendar);
  // Real time from now: the wall clock itself. Otherwise a clock of its own (faster, or shifted).
  const clock =
    speed === 1 && shiftedStart === undefined ? systemClock : createAcceleratedClock(speed, shiftedStart);
  const startMs = clock.now();

  /** @type {import('node:http').Server[]} */
  const servers = [];
  /** @type {import('@tierdesk/node').FetchHandler} */
  let api = async () =>
    Response.json({ error: { code: 'unavailable', message: 'The demo is starting.' } }, { status: 503 });
  /** @type {import('@tierdesk/node').Tierdesk | undefined} */
  let tierdesk;
  const stopServers = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((resolve) => {
            server.close(() => resolve(undefined));
            server.closeIdleConnections();
          }),
      ),
    );
  };

  try {
    const apiServer = createNodeServer((request, context) => api(request, context), { logger: quietLogger });
    const apiUrl = await listen(
      apiServer,
      servers,
      bind,
      options.apiPort ?? 8787,
      'the Tierdesk API',
      'TIERDESK_DEMO_API_PORT',
    );
    const hostServer = createWidgetHostServer({
      apiUrl,
      workspaceId: DEMO_WORKSPACE_ID,
      identitySecret,
      user: DEMO_USER,
      clock,
      clockSpeed: speed,
    });
    const hostUrl = await listen(
      hostServer,
      servers,
      bind,
      options.hostPort ?? 5173,
      'the widget host app',
      'TIERDESK_DEMO_HOST_PORT',
    );
    const consoleServer = createAgentConsoleServer({ apiUrl, clock, clockSpeed: speed });
    const consoleUrl = await listen(
      consoleServer,
      servers,
      bind,
      options.consolePort ?? 5174,
      'the agent console',
      'TIERDESK_DEMO_CONSOLE_PORT',
    );

    const onActivity = options.onActivity;
    tierdesk = await createTierdesk({
      store:
        options.dataDir === undefined ? { kind: 'pglite' } : { kind: 'pglite', dataDir: options.dataDir },
      workspaces: [workspace],
      serverSecret: randomBytes(32).toString('base64url'),
      clock,
      cors: { origins: [...alsoAsLocalhost(hostUrl), ...alsoAsLocalhost(consoleUrl)] },
      logger: options.logger ?? quietLogger,
      // Runs in the change's transaction: a line printed for a change that is then rolled back is
      // possible in theory; it is the demo's activity log, not a record.
      ...(onActivity === undefined
        ? {}
        : { writers: [activityWriter(onActivity, clock, calendar?.timeZone)] }),
    });
    const seeded = await seedDemoData(tierdesk.db, clock.now());
    const ready = tierdesk;
    api = (request, context) => ready.fetch(request, context);

    const agents = workspace.agents ?? [];
    return {
      urls: { api: apiUrl, host: hostUrl, console: consoleUrl },
      user: DEMO_USER,
      workspaceId: DEMO_WORKSPACE_ID,
      clock: { speed, startedAtMs: startMs, timeZone: calendar?.timeZone ?? 'UTC' },
      agents: Object.entries(seeded.agentKeys).map(([id, apiKey]) => ({
        id,
        name: agents.find((a) => a.id === id)?.name ?? id,
        apiKey,
        loginUrl: `${consoleUrl}/#${new URLSearchParams({ agent: id, key: apiKey })}`,
      })),
      async close() {
        // No new connections; idle ones closed; then the server ends its streams and closes PGlite,
        // after which the connections still open (event streams) can go.
        const stopped = stopServers();
        await ready.close();
        for (const server of servers) server.closeAllConnections();
        await stopped;
      },
    };
  } catch (error) {
    await tierdesk?.close().catch(() => {});
    for (const server of servers) server.closeAllConnections();
    await stopServers();
    throw error;
  }
}

/**
 * Where the demo clock starts: an instant, or `undefined` for now.
 *
 * @param {'auto' | 'now' | number} start
 * @param {import('@tierdesk/core').BusinessCalendar | undefined} calendar
 * @returns {number | undefined}
 */
function clockStart(start, calendar) {
  if (typeof start === 'number') {
    if (!Number.isFinite(start)) throw new DemoStartError('The clock start must be an instant.');
    return start;
  }
  const now = Date.now();
  if (start === 'now' || calendar === undefined || isWithinBusinessHours(now, calendar)) return undefined;
  return nextOpening(now, calendar)?.getTime();
}

/**
 * Listens on `port` of `bind` and adds the server to `servers`; a port in use is a DemoStartError.
 *
 * @param {import('node:http').Server} server
 * @param {import('node:http').Server[]} servers
 * @param {string} bind
 * @param {number} port
 * @param {string} what
 * @param {string} envName
 * @returns {Promise<string>} the server's URL
 */
function listen(server, servers, bind, port, what, envName) {
  return new Promise((resolve, reject) => {
    /** @param {NodeJS.ErrnoException} error */
    const failed = (error) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new DemoStartError(
            `Port ${port} on ${bind}, for ${what}, is already in use. Stop what uses it, or set ${envName} to a free port.`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new DemoStartError(
            `Not allowed to listen on port ${port} for ${what}; set ${envName} to another port.`,
          ),
        );
      } else reject(error);
    };
    server.once('error', failed);
    server.listen(port, bind, () => {
      server.off('error', failed);
      servers.push(server);
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      const hostname = bind.includes(':') ? `[${bind}]` : bind;
      resolve(`http://${hostname}:${actual}`);
    });
  });
}

/**
 * The origin, and the same on `localhost` when it is 127.0.0.1 (browsers treat them as two origins).
 *
 * @param {string} url
 */
function alsoAsLocalhost(url) {
  const origin = new URL(url);
  return origin.hostname === '127.0.0.1'
    ? [origin.origin, `http://localhost:${origin.port}`]
    : [origin.origin];
}

/**
 * A ChangeWriter that reports the events worth watching in the demo.
 *
 * @param {(line: string) => void} report
 * @param {import('@tierdesk/node').Clock} clock
 * @param {string | undefined} timeZone
 * @returns {import('@tierdesk/node').ChangeWriter}
 */
function activityWriter(report, clock, timeZone) {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: timeZone ?? 'UTC',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return async (_tx, change) => {
    const { ticket } = change;
    const label = `#${ticket.number} "${ticket.subject}"`;
    for (const event of change.events) {
      const at = `[${time.format(clock.now())}]`;
      if (event.type === 'ticket.created')
        report(`${at} ${label} opened (${ticket.priority}, via ${ticket.channel})`);
      else if (event.type === 'sla.warning') report(`${at} ${label}: ${event.metric} SLA warning`);
      else if (event.type === 'sla.breached') report(`${at} ${label}: ${event.metric} SLA breached`);
      else if (event.type === 'tier.changed') {
        const by = event.ruleId ? `rule ${event.ruleId}` : event.actor.type;
        report(`${at} ${label}: tier L${event.from} → L${event.to} (${event.reason ?? 'no reason'}; ${by})`);
      }
    }
  };
}
