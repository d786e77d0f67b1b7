// The webhook sender item 11 kills: a child process running createTierdesk (webhook dispatcher on)
// behind createNodeServer, on source (tsx, `source` condition). Options come as JSON in
// TIERDESK_WEBHOOK_SENDER; it prints `listening <url>` once it takes traffic.
import { createNodeServer, createTierdesk, silentLogger, type TierdeskOptions } from '@tierdesk/node';

const raw = process.env.TIERDESK_WEBHOOK_SENDER;
if (raw === undefined) throw new Error('TIERDESK_WEBHOOK_SENDER is not set');
const options = JSON.parse(raw) as TierdeskOptions;

const tierdesk = await createTierdesk({ ...options, logger: silentLogger });
const server = createNodeServer(tierdesk.fetch);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (typeof address !== 'object' || address === null) throw new Error('no address');
process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
