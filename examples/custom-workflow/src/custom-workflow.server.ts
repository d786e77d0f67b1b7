import {
  type AuthenticateAgentHook,
  type Clock,
  consoleLogger,
  createPgliteDatabase,
  createTierdesk,
  type FetchHandler,
  type Logger,
  type SqlDatabase,
  type TicketService,
  type Tierdesk,
  type WorkspaceConfig,
} from '@tierdesk/node';
import { approvalRoutes } from './approval.routes';
import type { Pager } from './pager';
import { createPagerDispatcher, ensurePagerOutbox, pagerChangeWriter } from './pager.outbox';
import { createRefundWorkflow, type RefundWorkflowEvent } from './refund.workflow';

/** Options of {@link createCustomWorkflowServer}. */
export interface CustomWorkflowServerOptions {
  /** The database (PGlite or PostgreSQL from `@tierdesk/node`). Default: a new in-memory PGlite. */
  database?: SqlDatabase;
  workspaces: WorkspaceConfig[];
  /** Agent ids allowed to approve or reject refunds. */
  managers: readonly string[];
  /** The host's own agent authentication, for Tierdesk's agent routes and the approval routes alike. */
  authenticateAgent: AuthenticateAgentHook;
  /** Who gets paged when a ticket reaches L3. */
  pager: Pager;
  serverSecret?: string;
  clock?: Clock;
  logger?: Logger;
  /** Run Tierdesk's background work (SLA timers, webhooks) and the pager dispatcher. Default true. */
  background?: boolean;
}

/** A running server with the team's workflow. */
export interface CustomWorkflowServer {
  /** Tierdesk's API plus the approval routes: mount it with `createNodeServer`. */
  fetch: FetchHandler;
  tierdesk: Tierdesk<RefundWorkflowEvent>;
  /** The ticket service typed with the team's events (the same service the routes use). */
  tickets: TicketService<RefundWorkflowEvent>;
  /** Delivers pending pages now (tests, scripts; the background dispatcher does it otherwise). */
  drainPages(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Builds the Tierdesk server with the refund workflow: the extended machine as `workflow`, the pager
 * outbox as a change writer (in every change's transaction), the approval routes in front of
 * Tierdesk's handler, and the dispatcher that calls the pager after commit.
 */
export async function createCustomWorkflowServer(
  options: CustomWorkflowServerOptions,
): Promise<CustomWorkflowServer> {
  const logger = options.logger ?? consoleLogger;
  const background = options.background ?? true;
  const db = options.database ?? (await createPgliteDatabase());
  // The outbox table exists before the first change can write to it (timers may fire at start).
  await ensurePagerOutbox(db);
  const tierdesk = await createTierdesk({
    store: { kind: 'database', database: db },
    workflow: createRefundWorkflow({ managers: options.managers }),
    workspaces: options.workspaces,
    authenticateAgent: options.authenticateAgent,
    writers: [pagerChangeWriter()],
    logger,
    background,
    ...(options.serverSecret === undefined ? {} : { serverSecret: options.serverSecret }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  // Typed with the team's events: `TExtra` is inferred from the workflow.
  const { tickets } = tierdesk;
  const approvals = approvalRoutes({
    tickets,
    authenticateAgent: options.authenticateAgent,
    managers: options.managers,
    logger,
  });
  const dispatcher = createPagerDispatcher({ db, pager: options.pager, logger });
  if (background) await dispatcher.start();

  return {
    fetch: async (request, context) => (await approvals(request)) ?? tierdesk.fetch(request, context),
    tierdesk,
    tickets,
    drainPages: () => dispatcher.drainOnce(),
    async close() {
      await dispatcher.stop();
      await tierdesk.close();
      if (options.database === undefined) await db.close();
    },
  };
}
