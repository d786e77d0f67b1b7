// `npm start -w @tierdesk/example-widget-host`: the widget host on its own, against a Tierdesk server
// you run yourself (e.g. `TIERDESK_DEMO_SECRET=… npx tierdesk serve --seed --cors http://127.0.0.1:5173`).
import { createWidgetHostServer } from './widget-host.server.mjs';

const secret = process.env.TIERDESK_IDENTITY_SECRET ?? process.env.TIERDESK_DEMO_SECRET;
if (secret === undefined || secret === '') {
  process.stderr.write(
    'Set TIERDESK_IDENTITY_SECRET to the workspace identity secret (TIERDESK_DEMO_SECRET of the server).\n',
  );
  process.exit(2);
}
const port = Number(process.env.PORT ?? 5173);
const server = createWidgetHostServer({
  apiUrl: process.env.TIERDESK_API_URL ?? 'http://127.0.0.1:8787',
  workspaceId: process.env.TIERDESK_WORKSPACE ?? 'demo',
  identitySecret: secret,
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`Widget host on http://127.0.0.1:${port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
