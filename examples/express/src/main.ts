import type { Server } from 'node:http';
import { createHostApp, DEMO_USERS } from './host-app';

// `npm start -w @tierdesk/example-express`: the host app on http://127.0.0.1:3000 (PORT to change it),
// Tierdesk on embedded PGlite in memory (TIERDESK_DATABASE_URL for PostgreSQL).

const port = Number(process.env.PORT ?? 3000);
const databaseUrl = process.env.TIERDESK_DATABASE_URL;
const { app, close } = await createHostApp({
  ...(databaseUrl === undefined ? {} : { store: { kind: 'postgres', connectionString: databaseUrl } }),
  ...(process.env.TIERDESK_IDENTITY_SECRET ? { identitySecret: process.env.TIERDESK_IDENTITY_SECRET } : {}),
  ...(process.env.TIERDESK_SERVER_SECRET ? { serverSecret: process.env.TIERDESK_SERVER_SECRET } : {}),
});

const server: Server = app.listen(port, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${port}`;
  process.stdout.write(
    [
      `Host app on ${origin}, Tierdesk under ${origin}/support`,
      'Demo accounts (POST /login { email, password }):',
      ...DEMO_USERS.map((u) => `  ${u.role.padEnd(8)} ${u.email.padEnd(22)} ${u.password}`),
      '',
    ].join('\n'),
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    void close().finally(() => server.closeAllConnections());
  });
}
