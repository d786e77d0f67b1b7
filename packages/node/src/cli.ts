import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createNodeServer } from './adapters';
import { signIdentityToken } from './auth';
import { createAcceleratedClock } from './clock';
import { consoleLogger } from './logger';
import { DEMO_WORKSPACE_ID, demoWorkspace, seedDemoData } from './seed';
import { createTierdesk, type StoreOptions, type TierdeskOptions, type WorkspaceConfig } from './tierdesk';

const USAGE = `Usage: tierdesk serve [options]

Runs the Tierdesk API server (embedded PGlite by default).

Options:
  --data DIR            keep the embedded database in DIR (default: in memory, lost on exit)
  --database-url URL    use PostgreSQL instead of PGlite (or env TIERDESK_DATABASE_URL)
  --port N              listen on port N (default 8787, or env PORT)
  --host HOST           listen on HOST (default 127.0.0.1)
  --config FILE         JSON with { workspaces, serverSecret, cors, webhooks } (see the README)
  --seed                create the demo workspace with articles, policies and agents, and print
                        an agent API key and an end-user identity token to try it with
  --clock-speed X       run the server clock X times faster (demo: watch SLA warnings in minutes)
  --cors ORIGINS        comma-separated origins allowed to call the API from browsers
  -h, --help            show this help
`;

/** Runs the CLI with the given arguments; resolves with the process exit code once it should exit. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals[0] !== 'serve') {
    process.stdout.write(USAGE);
    return values.help === true ? 0 : 2;
  }

  const config =
    values.config === undefined
      ? {}
      : (JSON.parse(readFileSync(values.config, 'utf8')) as Partial<TierdeskOptions>);
  const databaseUrl = values['database-url'] ?? process.env.TIERDESK_DATABASE_URL;
  const store: StoreOptions =
    databaseUrl !== undefined
      ? { kind: 'postgres', connectionString: databaseUrl }
      : { kind: 'pglite', dataDir: values.data };
  const port = Number(values.port ?? process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, got ${values.port}\n`);
    return 2;
  }
  const speed = values['clock-speed'] === undefined ? 1 : Number(values['clock-speed']);
  if (!(speed > 0)) {
    process.stderr.write('--clock-speed must be a positive number\n');
    return 2;
  }

  const workspaces: WorkspaceConfig[] = [...(config.workspaces ?? [])];
  const demoSecret = process.env.TIERDESK_DEMO_SECRET ?? randomBytes(32).toString('base64url');
  if (values.seed === true && !workspaces.some((w) => w.id === DEMO_WORKSPACE_ID)) {
    workspaces.push(demoWorkspace(demoSecret));
  }
  const clock = speed === 1 ? undefined : createAcceleratedClock(speed);
  const cors =
    values.cors === undefined ? config.cors : { origins: values.cors.split(',').map((o) => o.trim()) };
  const tierdesk = await createTierdesk({
    ...config,
    store,
    workspaces,
    ...(clock === undefined ? {} : { clock }),
    ...(cors === undefined ? {} : { cors }),
    logger: consoleLogger,
  });
  const server = createNodeServer(tierdesk.fetch);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, values.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const url =
    typeof address === 'object' && address !== null
      ? `http://${values.host ?? '127.0.0.1'}:${address.port}`
      : String(address);
  process.stdout.write(`Tierdesk API listening on ${url}  (OpenAPI: ${url}/v1/openapi.json)\n`);
  if (speed !== 1) process.stdout.write(`The server clock runs ${speed}× faster than real time.\n`);
  if (values.seed === true) {
    const seeded = await seedDemoData(tierdesk.db);
    const token = await signIdentityToken(
      { userId: 'user-ada', workspaceId: DEMO_WORKSPACE_ID, name: 'Ada Lovelace', email: 'ada@example.com' },
      workspaces.find((w) => w.id === DEMO_WORKSPACE_ID)?.identitySecret ?? demoSecret,
      { expiresInSeconds: 12 * 60 * 60 },
    );
    process.stdout.write(
      [
        `Demo workspace "${DEMO_WORKSPACE_ID}" seeded (${seeded.articles} articles).`,
        ...Object.entries(seeded.agentKeys).map(
          ([agent, key]) => `  agent ${agent}: Authorization: Bearer ${key}`,
        ),
        `  end user user-ada (12 h): Authorization: Bearer ${token}`,
        '',
      ].join('\n'),
    );
  }

  // Graceful shutdown: stop taking connections, finish in-flight work, close streams and the database.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: shutting down…\n`);
      server.close();
      server.closeIdleConnections();
      void tierdesk
        .close()
        .then(() => {
          server.closeAllConnections();
          resolve(0);
        })
        .catch((error: unknown) => {
          process.stderr.write(`shutdown failed: ${String(error)}\n`);
          resolve(1);
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'database-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      seed: { type: 'boolean' },
      'clock-speed': { type: 'string' },
      cors: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
