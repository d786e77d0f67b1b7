import type { Server } from 'node:http';
import {
  createApiKey,
  createNodeServer,
  createTierdesk,
  DEMO_WORKSPACE_ID,
  demoWorkspace,
  silentLogger,
  type Tierdesk,
} from '@tierdesk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentConsoleServer } from '../server/agent-console.server.mjs';
import { SignInError, signIn } from '../src/agent-session';

// The console's sign-in against a real Tierdesk server (PGlite, demo workspace) over real sockets,
// and its backend's /config.json.

let tierdesk: Tierdesk;
let api: Server;
let apiUrl: string;
let leeKey: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  tierdesk = await createTierdesk({
    workspaces: [demoWorkspace('agent-console-test-secret-0123456789abcdef')],
    logger: silentLogger,
  });
  api = createNodeServer(tierdesk.fetch, { logger: silentLogger });
  apiUrl = await listen(api);
  leeKey = (await createApiKey(tierdesk.db, { workspaceId: DEMO_WORKSPACE_ID, agentId: 'agent-lee' })).key;
}, 30_000);

afterAll(async () => {
  api?.close();
  await tierdesk?.close();
});

describe('signing in to the agent console', () => {
  it('accepts an agent id with its API key and names the agent', async () => {
    await expect(signIn(apiUrl, ' agent-lee ', `${leeKey}\n`)).resolves.toEqual({
      agentId: 'agent-lee',
      agentName: 'Lee (L1)',
      apiKey: leeKey,
    });
  });

  it('refuses a wrong key, an unknown agent and an unreachable server, in words', async () => {
    const wrong = `${leeKey.slice(0, -4)}AAAA`;
    await expect(signIn(apiUrl, 'agent-lee', wrong)).rejects.toThrow(
      new SignInError('That API key was not accepted.'),
    );
    await expect(signIn(apiUrl, 'agent-nobody', leeKey)).rejects.toThrow(
      new SignInError('There is no agent "agent-nobody" in this workspace.'),
    );
    const closed = createNodeServer(tierdesk.fetch);
    const closedUrl = await listen(closed);
    await new Promise((done) => closed.close(done));
    await expect(signIn(closedUrl, 'agent-lee', leeKey)).rejects.toThrow(
      new SignInError('The Tierdesk API is unreachable. Is the server running?'),
    );
  });
});

describe('the console backend', () => {
  it('tells the app where the API is and how fast the server clock runs', async () => {
    const server = createAgentConsoleServer({
      apiUrl,
      clock: { now: () => 1_800_000_000_000 },
      clockSpeed: 60,
    });
    const url = await listen(server);
    try {
      const response = await fetch(`${url}/config.json`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ apiUrl, clock: { speed: 60, nowMs: 1_800_000_000_000 } });
    } finally {
      server.close();
    }
  });
});
