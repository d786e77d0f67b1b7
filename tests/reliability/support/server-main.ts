// The server the reliability suites crash: a child process running createTierdesk + createNodeServer
// on source (tsx, `source` condition). Its options come as JSON in TIERDESK_RELIABILITY_SERVER; it
// prints `listening <url>` once it takes traffic. Errors go to stderr, one JSON line each.
import { createNodeServer, createTierdesk, type Logger, type TierdeskOptions } from '@tierdesk/node';

interface ServerConfig {
  options: TierdeskOptions;
  port?: number;
}

const raw = process.env.TIERDESK_RELIABILITY_SERVER;
if (raw === undefined) throw new Error('TIERDESK_RELIABILITY_SERVER is not set');
const config = JSON.parse(raw) as ServerConfig;

const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) =>
    process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) =>
    process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

const tierdesk = await createTierdesk({ ...config.options, logger: stderrLogger });
const server = createNodeServer(tierdesk.fetch);
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port ?? 0, '127.0.0.1', resolve);
});
const address = server.address();
if (typeof address !== 'object' || address === null) throw new Error('no address');
process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);

process.once('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  void tierdesk.close().finally(() => {
    server.closeAllConnections();
    process.exit(0);
  });
});
