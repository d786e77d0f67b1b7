// `npm start -w @tierdesk/example-custom-workflow`: the refund workflow in a running server. Pages go
// to PAGER_URL (an HTTP POST), or to the console when it is not set.
import { randomBytes } from 'node:crypto';
import { createAcceleratedClock, createNodeServer, type HookAgent, signIdentityToken } from '@tierdesk/node';
import { createCustomWorkflowServer } from './custom-workflow.server';
import { httpPager, type Pager } from './pager';
import { staffTokenAuth } from './staff-auth';
import { exampleWorkspace, MANAGERS } from './workspace';

const port = Number(process.env.PORT ?? 8788);
const identitySecret = process.env.TIERDESK_IDENTITY_SECRET ?? randomBytes(32).toString('base64url');
const token = () => `staff_${randomBytes(24).toString('base64url')}`;
const staff: Record<string, HookAgent> = {
  [token()]: { workspaceId: 'acme', agentId: 'agent-lee', name: 'Lee' },
  [token()]: { workspaceId: 'acme', agentId: 'agent-kim', name: 'Kim' },
  [token()]: { workspaceId: 'acme', agentId: 'agent-mia', name: 'Mia (manager)' },
};
const consolePager: Pager = {
  async page(page) {
    console.log(`PAGE → on-call: ticket ${page.ticketId} reached L3: ${page.subject} (${page.id})`);
  },
};

const server = await createCustomWorkflowServer({
  workspaces: [exampleWorkspace({ identitySecret })],
  serverSecret: process.env.TIERDESK_SERVER_SECRET ?? randomBytes(32).toString('base64url'),
  managers: MANAGERS,
  authenticateAgent: staffTokenAuth(staff),
  pager: process.env.PAGER_URL ? httpPager({ url: process.env.PAGER_URL }) : consolePager,
  // CLOCK_SPEED=60 makes the enterprise SLA warn and breach within seconds.
  clock: createAcceleratedClock(Number(process.env.CLOCK_SPEED ?? 1)),
});
const http = createNodeServer(server.fetch);
http.listen(port, () => {
  console.log(`Tierdesk with the refund workflow on http://localhost:${port}`);
  for (const [key, agent] of Object.entries(staff)) console.log(`  agent ${agent.agentId}: Bearer ${key}`);
  void signIdentityToken(
    { userId: 'u-ann', workspaceId: 'acme', name: 'Ann', plan: 'enterprise' },
    identitySecret,
    { expiresInSeconds: 3600 },
  ).then((t) => console.log(`  end user u-ann (enterprise): Bearer ${t}`));
});
const stop = () => {
  http.close();
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
