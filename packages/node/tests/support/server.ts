import type { AddressInfo } from 'node:net';
import { createClient, type TierdeskClient } from '@tierdesk/core';
import { createNodeServer } from '../../src/adapters';
import { createApiKey, signIdentityToken } from '../../src/auth';
import type { Clock } from '../../src/clock';
import { consoleLogger, silentLogger } from '../../src/logger';
import type { SqlDatabase } from '../../src/store';
import {
  createTierdesk,
  type Tierdesk,
  type TierdeskOptions,
  type WorkspaceConfig,
} from '../../src/tierdesk';

/** The identity secret of the test workspaces. */
export const SECRET_ACME = 'acme-identity-secret-0123456789-abcdefghijklmnop';
export const SECRET_GLOBEX = 'globex-identity-secret-0123456789-abcdefghijklmn';

/** An SLA policy and rule set the tests run under (24/7, short targets). */
export const TEST_POLICY = {
  id: 'sla-standard',
  name: 'Standard',
  kind: 'sla' as const,
  active: true,
  position: 0,
  conditions: {},
  targets: { first_response: { minutes: 60 }, resolution: { minutes: 8 * 60 } },
  warningFraction: 0.8,
  pauseOn: ['pending' as const, 'on_hold' as const],
};

/** Two workspaces, so cross-workspace isolation can be tested. */
export function testWorkspaces(): WorkspaceConfig[] {
  return [
    {
      id: 'acme',
      name: 'Acme',
      identitySecret: SECRET_ACME,
      policies: { slaPolicies: [TEST_POLICY] },
      agents: [
        { id: 'agent-l1', name: 'Lee (L1)', tiers: [1], groups: [], capacity: 10, active: true },
        { id: 'agent-l2', name: 'Kim (L2)', tiers: [2, 3], groups: [], capacity: 10, active: true },
      ],
    },
    { id: 'globex', name: 'Globex', identitySecret: SECRET_GLOBEX, policies: { slaPolicies: [TEST_POLICY] } },
  ];
}

/** A running server on a real socket, with helpers to make clients. */
export interface TestServer {
  tierdesk: Tierdesk;
  baseUrl: string;
  /** A client acting as an end user of a workspace. */
  userClient(userId: string, workspaceId?: string, extra?: { name?: string; email?: string }): TierdeskClient;
  /** A client acting as an agent (through an API key). */
  agentClient(agentId: string, workspaceId?: string): Promise<TierdeskClient>;
  /** A signed identity token. */
  tokenFor(userId: string, workspaceId?: string): Promise<string>;
  /** An API key of an agent. */
  apiKeyFor(agentId: string, workspaceId?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts createTierdesk on the given database behind a real node:http server on 127.0.0.1. */
export async function startTestServer(
  db: SqlDatabase,
  options: Partial<TierdeskOptions> & { clock?: Clock } = {},
): Promise<TestServer> {
  const tierdesk = await createTierdesk({
    store: { kind: 'database', database: db },
    workspaces: testWorkspaces(),
    serverSecret: 'server-secret-for-tests-0123456789-abcdefghijkl',
    // TIERDESK_TEST_LOG=1 prints the server's log (e.g. the cause of a 500) while debugging.
    logger: process.env.TIERDESK_TEST_LOG ? consoleLogger : silentLogger,
    background: false,
    limits: { rateLimit: false },
    ...options,
  });
  const server = createNodeServer(tierdesk.fetch);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const secrets: Record<string, string> = { acme: SECRET_ACME, globex: SECRET_GLOBEX };
  const tokenFor = (userId: string, workspaceId = 'acme', extra: { name?: string; email?: string } = {}) =>
    signIdentityToken({ userId, workspaceId, ...extra }, secrets[workspaceId] as string, {
      expiresInSeconds: 3600,
    });
  const apiKeyFor = async (agentId: string, workspaceId = 'acme') =>
    (await createApiKey(db, { workspaceId, agentId })).key;
  return {
    tierdesk,
    baseUrl,
    tokenFor,
    apiKeyFor,
    userClient: (userId, workspaceId = 'acme', extra = {}) => {
      let token: Promise<string> | undefined;
      return createClient({ baseUrl, getToken: () => (token ??= tokenFor(userId, workspaceId, extra)) });
    },
    agentClient: async (agentId, workspaceId = 'acme') => {
      const key = await apiKeyFor(agentId, workspaceId);
      return createClient({ baseUrl, getToken: () => key });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tierdesk.close();
    },
  };
}
