// `npm run demo` (after `npm run build`): starts the demo and prints where everything is and who to
// sign in as. Ctrl-C (SIGINT) or SIGTERM stops it: servers closed, database closed, exit code 0.
//
// Settings (environment):
//   TIERDESK_DEMO_API_PORT (8787), TIERDESK_DEMO_HOST_PORT (5173), TIERDESK_DEMO_CONSOLE_PORT (5174)
//   TIERDESK_DEMO_BIND       the address to listen on (127.0.0.1)
//   TIERDESK_DEMO_CLOCK_SPEED how many times faster than real time the server's clock runs (60)
//   TIERDESK_DEMO_CLOCK_START `auto` (now while the Berlin office is open, else its next opening),
//                             `now`, or an ISO instant
//   TIERDESK_DEMO_SECRET     the demo workspace's identity secret (random)
//   TIERDESK_DEMO_DATA       keep the PGlite database in this folder (in memory)
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

// Signals are handled from the first moment: a Ctrl-C while starting still closes what was opened.
/** When the first SIGINT / SIGTERM arrived, if one did. */
/** @type {number | undefined} */
let stoppingSince;
/** @type {Promise<import('./start-demo.mjs').RunningDemo> | undefined} */
let starting;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stoppingSince !== undefined) {
    // Ctrl-C under `npm run` can arrive twice at once (from the terminal and forwarded by npm): only
    // a second press, a moment later, means "do not wait".
    if (Date.now() - stoppingSince < 1000) return;
    log(`${signal} again: exiting without waiting.`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  log(`\n${signal}: stopping the demo…`);
  if (starting === undefined) {
    log('Stopped.');
    process.exit(0);
  }
  // A signal during the start waits for it, then closes what it opened.
  starting
    .then((demo) => demo.close())
    .then(
      () => {
        log('Stopped.');
        process.exit(0);
      },
      (/** @type {unknown} */ error) => {
        process.stderr.write(`demo: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const ROOT = resolve(import.meta.dirname, '../../..');
const BUILT = [
  'packages/core/dist/index.js',
  'packages/node/dist/index.js',
  'packages/react/dist/index.js',
  'examples/widget-host/dist/index.html',
  'examples/agent-console/dist/index.html',
];

/** @param {string} message */
function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) fail(`${name} must be a number, got "${raw}".`);
  return value;
}

/** @param {string} name @param {number} fallback */
function portFromEnv(name, fallback) {
  const port = numberFromEnv(name, fallback);
  if (!Number.isInteger(port) || port > 65535)
    fail(`${name} must be a port number (0 to 65535), got "${port}".`);
  return port;
}

/** @returns {'auto' | 'now' | number} */
function clockStartFromEnv() {
  const raw = process.env.TIERDESK_DEMO_CLOCK_START ?? 'auto';
  if (raw === 'auto' || raw === 'now') return raw;
  const at = Date.parse(raw);
  if (Number.isNaN(at))
    fail(`TIERDESK_DEMO_CLOCK_START must be "auto", "now" or an ISO instant, got "${raw}".`);
  return at;
}

const missing = BUILT.filter((file) => !existsSync(resolve(ROOT, file)));
if (missing.length > 0) {
  fail(
    `not built yet (${missing.join(', ')} missing): run \`npm run demo\` (it builds first) or \`npm run build\`.`,
  );
}

const { DemoStartError, startDemo } = await import('./start-demo.mjs');

/** @type {import('./start-demo.mjs').DemoOptions} */
const options = {
  host: process.env.TIERDESK_DEMO_BIND || '127.0.0.1',
  apiPort: portFromEnv('TIERDESK_DEMO_API_PORT', 8787),
  hostPort: portFromEnv('TIERDESK_DEMO_HOST_PORT', 5173),
  consolePort: portFromEnv('TIERDESK_DEMO_CONSOLE_PORT', 5174),
  clockSpeed: numberFromEnv('TIERDESK_DEMO_CLOCK_SPEED', 60),
  clockStart: clockStartFromEnv(),
  identitySecret: process.env.TIERDESK_DEMO_SECRET || undefined,
  dataDir: process.env.TIERDESK_DEMO_DATA || undefined,
  onActivity: (line) => {
    if (stoppingSince === undefined) log(line);
  },
};
log('Starting the Tierdesk demo (embedded PGlite, seeded demo workspace)…');
starting = startDemo(options);

/** @type {import('./start-demo.mjs').RunningDemo} */
let demo;
try {
  demo = await starting;
} catch (error) {
  if (error instanceof DemoStartError) fail(error.message);
  throw error;
}
// Stopped while starting: stop() closes it and exits, nothing to print.
if (stoppingSince === undefined) printWelcome(demo);

/** @param {import('./start-demo.mjs').RunningDemo} demo */
function printWelcome(demo) {
  const clockAt = new Intl.DateTimeFormat('en-GB', {
    timeZone: demo.clock.timeZone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(demo.clock.startedAtMs);
  log(
    [
      '',
      'Tierdesk demo is running:',
      `  Tierdesk API    ${demo.urls.api}   (OpenAPI: ${demo.urls.api}/v1/openapi.json)`,
      `  Widget host     ${demo.urls.host}   a product page with the help widget`,
      `  Agent console   ${demo.urls.console}`,
      '',
      `End user (widget host, signed in automatically): ${demo.user.name} <${demo.user.email}>, id ${demo.user.id},`,
      `  workspace "${demo.workspaceId}"; the host's backend signs the identity token (POST ${demo.urls.host}/api/support-token).`,
      '',
      'Agents (console: open the link, or sign in with the agent ID and API key):',
      ...demo.agents.flatMap((agent) => [
        `  ${agent.name.padEnd(9)} agent ID ${agent.id}   API key ${agent.apiKey}`,
        `            ${agent.loginUrl}`,
      ]),
      '',
      `Server clock: ${demo.clock.speed}× real time, started at ${clockAt} (${demo.clock.timeZone}).`,
      demo.clock.speed === 1
        ? '  SLA targets run in real time (set TIERDESK_DEMO_CLOCK_SPEED to speed them up).'
        : [
            `  A normal ticket's first response is due in 2 business hours (Berlin): the warning fires at 80 %,`,
            `  about ${formatReal((96 * 60_000) / demo.clock.speed)} after it is opened, and the rule "warn-to-l2" moves it up a tier; the breach`,
            `  follows ${formatReal((24 * 60_000) / demo.clock.speed)} later. Urgent tickets: 30 minutes round the clock (warning after ${formatReal((24 * 60_000) / demo.clock.speed)}).`,
          ].join('\n'),
      '',
      'Ctrl-C stops the demo. SLA warnings, breaches and tier moves appear below:',
    ].join('\n'),
  );
}

/** @param {number} ms */
function formatReal(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
