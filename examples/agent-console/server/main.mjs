// `npm start -w @tierdesk/example-agent-console`: the console on its own, against a Tierdesk server
// you run yourself (e.g. `npx tierdesk serve --seed --cors http://127.0.0.1:5174`, which prints keys).
import { createAgentConsoleServer } from './agent-console.server.mjs';

const port = Number(process.env.PORT ?? 5174);
const server = createAgentConsoleServer({ apiUrl: process.env.TIERDESK_API_URL ?? 'http://127.0.0.1:8787' });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`Agent console on http://127.0.0.1:${port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
