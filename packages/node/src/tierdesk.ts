import { randomBytes } from 'node:crypto';
import {
  AgentSchema,
  BusinessCalendarSchema,
  EscalationRuleSchema,
  RoutingRuleSchema,
  SlaPolicySchema,
  type Ticket,
  type TimelineEvent,
} from '@tierdesk/core';
import { type TicketMachine, ticketMachine } from '@tierdesk/core/machines';
import ipaddr from 'ipaddr.js';
import * as z from 'zod/mini';
import type { FetchHandler } from './adapters/node-exchange';
import { type AuthenticateAgentHook, createAuthenticator, issueVisitorToken, MIN_SECRET_BYTES } from './auth';
import { type Clock, systemClock } from './clock';
import { createEmailDispatcher, type EmailDispatcher, type EmailOptions, setEmailOptOut } from './email';
import { EmailOptionsSchema } from './email/email.config';
import { emailChangeWriter } from './email/email.outbox';
import { smtpTransport } from './email/email.transport';
import { INBOUND_EMAIL_PATHS, type InboundEmailOptions, inboundEmailHandler } from './email/inbound';
import { UNSUBSCRIBE_PATH, unsubscribeHandler } from './email/unsubscribe';
import { type CorsOptions, createFetchHandler, type RequestContext, type RequestMetrics } from './handler';
import { ApiError, errorResponse } from './http/api-error';
import { clientAddress, type TrustProxy } from './http/client-address';
import { purgeExpiredIdempotencyKeys } from './http/idempotency';
import { createRateLimiter } from './http/rate-limit';
import { identityKey } from './identity';
import { createId } from './ids';
import { searchPublishedArticles } from './kb/article-search';
import { type AssistantAnswer, knowledgeBaseAnswerer, type TierZeroAnswerer } from './kb/tier-zero-assistant';
import { consoleLogger, type Logger } from './logger';
import { insertPolicy, loadTicketPolicies, routeTicket } from './policies/policy.store';
import { createEventHub, notifyTimelineAppended } from './realtime';
import { createTimerScheduler, notifyTimersChanged } from './scheduler';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  migrate,
  type SqlDatabase,
  type SqlExecutor,
} from './store';
import { type StandardSchemaV1, validateCustomFields } from './tickets/custom-fields';
import { downloadAttachment } from './tickets/ticket.attachments';
import { type ChangeWriter, createTicketService, type TicketService } from './tickets/ticket.service';
import { readTicket } from './tickets/ticket.store';
import {
  createWebhookDispatcher,
  enqueueWebhookEvents,
  syncWebhookEndpoints,
  type WebhookEndpointConfig,
} from './webhooks';

/** The durable timer that re-evaluates a ticket after its workspace's policies changed. */
const POLICIES_TIMER = 'policies_changed';
/** The durable timer of the Tier 0 hand-off. */
const TIER0_TIMER = 'tier0_handoff';
// Beyond the assistant's own timeout, so the hand-off never races a slow but successful answer.
const TIER0_GRACE_MS = 30_000;

/** Where the data lives: embedded PGlite (default, in memory or in a directory) or PostgreSQL. */
export type StoreOptions =
  | { kind: 'pglite'; dataDir?: string | undefined }
  | { kind: 'postgres'; connectionString: string; schema?: string | undefined; max?: number | undefined }
  | { kind: 'database'; database: SqlDatabase };

/** A workspace this server serves: one product's support desk. */
export interface WorkspaceConfig {
  id: string;
  name: string;
  /**
   * The secret the host's backend signs end users' identity tokens with (HS256, ≥ 32 bytes). Without
   * it only anonymous visitors and agents can use the workspace.
   */
  identitySecret?: string | undefined;
  /** Policies to seed when the workspace has none of that kind yet (later edits go through the API). */
  policies?: {
    slaPolicies?: z.input<typeof SlaPolicySchema>[];
    calendars?: z.input<typeof BusinessCalendarSchema>[];
    escalationRules?: z.input<typeof EscalationRuleSchema>[];
    routingRules?: z.input<typeof RoutingRuleSchema>[];
  };
  /** Agents to create or update at start (validated like API input; defaults applied). */
  agents?: z.input<typeof AgentSchema>[];
  /** Webhook endpoints of the workspace. */
  webhooks?: WebhookEndpointConfig[];
}

/** Options of {@link createTierdesk}. */
export interface TierdeskOptions<TExtra extends { type: string } = never> {
  /** Default: PGlite in memory. */
  store?: StoreOptions;
  /** The ticket machine, possibly extended (see `createTicketMachine`). Default: the core machine. */
  workflow?: TicketMachine<TExtra>;
  workspaces?: WorkspaceConfig[];
  /**
   * Signs anonymous visitors' tokens (≥ 32 bytes). Default: random per process, which logs visitors
   * out on every restart — set it in production.
   */
  serverSecret?: string;
  /** Agents authenticated by the host (its own session or SSO); tried before API keys. */
  authenticateAgent?: AuthenticateAgentHook;
  cors?: CorsOptions;
  limits?: {
    /** Largest request body, bytes. Default 256 KiB. */
    maxBodyBytes?: number;
    /** Requests per identity: a bucket of `burst` refilled at `perSecond`. Default 60 burst, 10/s. `false` disables. */
    rateLimit?: { burst: number; perSecond: number } | false;
    /** Anonymous visitor tokens issued per client address. Default 10 burst, one per 6 s. */
    visitorTokens?: { burst: number; perSecond: number };
  };
  /**
   * Which proxies' `X-Forwarded-For` to believe for client addresses (rate limits of callers without an
   * identity). Default: none — a spoofed header is ignored. A list of proxy addresses/CIDRs is safest.
   */
  trustProxy?: TrustProxy;
  /** Webhook delivery settings; loopback/private targets are refused unless allowed (development). */
  webhooks?: { allowPrivateNetworks?: boolean; timeoutMs?: number; retrySchedule?: readonly number[] };
  /** Where time comes from (the demo runs a faster clock). Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** Run the durable timer scheduler and webhook delivery in this process. Default true. */
  background?: boolean;
  /**
   * The Tier 0 assistant that answers new end-user tickets first (default: the best knowledge-base
   * matches). An accepted answer solves the ticket at Tier 0 as deflected; a rejected one, a reply, or
   * no answer moves it to L1. `false` starts tickets at L1 with no assistant.
   */
  assistant?: TierZeroAnswerer | false;
  /** How long the assistant may take before the ticket goes to L1 anyway. Default 5 000 ms. */
  assistantTimeoutMs?: number;
  /**
   * The host's schema of ticket custom fields (any Standard Schema: zod, valibot, arktype), checked on
   * every create and update; rejections are 400s with paths under `customFields`.
   */
  customFields?: StandardSchemaV1;
  /**
   * Extra consequences written in the same transaction as every ticket change (after the built-in
   * realtime, timer and webhook ones): either the change and all of them commit, or none does.
   */
  writers?: readonly ChangeWriter[];
  /** Metrics hook: called once per request with route, status, error code and duration. */
  onRequest?: (info: RequestMetrics) => void;
  /**
   * Outbound email notifications (agent replies, solved / waiting-for-you, CSAT requests) through the
   * outbox. Off unless set; see the README, "Email: outbound".
   */
  email?: EmailOptions;
  /**
   * The inbound email endpoint (`POST /v1/email/inbound`, `/postmark`, `/sendgrid`): replies to
   * notification mails become customer messages, mails from new addresses open `email` tickets.
   * Off without it. See the README, "Email: inbound".
   */
  inboundEmail?: InboundEmailOptions;
}

/** The email channel of a running server (present when `email` is configured). */
export interface TierdeskEmail {
  /** Sends every notification mail due now (tests and scripts; the background dispatcher does it otherwise). */
  drainOnce: EmailDispatcher['drainOnce'];
  /** Opts a requester out of notification mails (`true`) or back in (`false`). */
  setOptOut(workspaceId: string, requesterId: string, optedOut: boolean): Promise<void>;
}

/** A running Tierdesk server. */
export interface Tierdesk<TExtra extends { type: string } = never> {
  /** The Web-standard handler: mount it with `toNodeListener`, `tierdeskExpress` or `tierdeskFastify`. */
  fetch: FetchHandler;
  /** The database (for host jobs and tests). */
  db: SqlDatabase;
  /**
   * The ticket service: sends events to tickets in one versioned transaction, the core events and the
   * workflow's own (`TExtra`, inferred from the `workflow` option), e.g. from the host's own routes.
   */
  tickets: TicketService<TExtra>;
  /** The email channel, or null when `email` is not configured. */
  email: TierdeskEmail | null;
  /** Graceful shutdown: stops background work, ends streams, closes the database if the server opened it. */
  close(): Promise<void>;
}

async function openStore(store: StoreOptions | undefined): Promise<{ db: SqlDatabase; owned: boolean }> {
  if (store === undefined || store.kind === 'pglite') {
    return {
      db: await createPgliteDatabase(store?.dataDir === undefined ? {} : { dataDir: store.dataDir }),
      owned: true,
    };
  }
  if (store.kind === 'postgres') {
    return {
      db: await createPostgresDatabase({
        connectionString: store.connectionString,
        ...(store.schema === undefined ? {} : { schema: store.schema }),
        ...(store.max === undefined ? {} : { max: store.max }),
      }),
      owned: true,
    };
  }
  return { db: store.database, owned: false };
}

/** Webhook event type of a timeline event: `ticket.created`, `ticket.message.public`, `ticket.sla.breached`, … */
export function webhookEventType(event: TimelineEvent): string {
  return event.type.startsWith('ticket.') ? event.type : `ticket.${event.type}`;
}

/**
 * Builds a Tierdesk server: opens the store and migrates it, seeds the configured workspaces, and
 * starts the durable timer scheduler, webhook delivery and the realtime hub. Every ticket change runs
 * the workflow statelessly (load snapshot + version, send, persist) and writes its events, timers,
 * outbox rows and notifications in the same transaction.
 */
export async function createTierdesk<TExtra extends { type: string } = never>(
  options: TierdeskOptions<TExtra> = {},
): Promise<Tierdesk<TExtra>> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const { db, owned } = await openStore(options.store);
  await migrate(db);

  const workspaces = options.workspaces ?? [];
  for (const ws of workspaces) await seedWorkspace(db, ws);
  const secrets = new Map(workspaces.map((w) => [w.id, w.identitySecret ?? null]));

  let serverSecret = options.serverSecret;
  if (serverSecret === undefined) {
    serverSecret = randomBytes(MIN_SECRET_BYTES).toString('base64url');
    logger.warn('no serverSecret configured: anonymous visitor tokens will not survive a restart');
  }

  const email =
    options.email === undefined ? undefined : parseConfig(EmailOptionsSchema, options.email, 'email');
  if (email !== undefined && email.tokenSecret === undefined && options.serverSecret === undefined) {
    logger.warn(
      'no email.tokenSecret or serverSecret configured: reply addresses will not survive a restart',
    );
  }
  if (email !== undefined && email.publicUrl === undefined) {
    // Not required (hosts may offer opting out on their own settings page), but without it a mail
    // itself offers no way out: say so at start rather than let it pass unnoticed.
    logger.warn(
      'no email.publicUrl configured: notification mails carry no unsubscribe link (List-Unsubscribe, RFC 8058); requesters can only opt out where the host calls email.setOptOut',
    );
  }
  const emailTokenSecret = email?.tokenSecret ?? serverSecret;

  const assistant = options.assistant ?? knowledgeBaseAnswerer;
  const assistantTimeoutMs = options.assistantTimeoutMs ?? 5_000;
  const writers: ChangeWriter[] = [
    async (tx, change) => {
      if (change.events.length > 0) await notifyTimelineAppended(tx, change.ticket.workspaceId);
    },
    async (tx, change) => {
      const due = Object.values(change.timers).filter((t): t is number => t !== null);
      await notifyTimersChanged(tx, due.length === 0 ? null : Math.min(...due));
    },
    async (tx, change) => {
      await enqueueWebhookEvents(
        tx,
        change.ticket.workspaceId,
        change.events.map((event) => ({
          // Stable per event, so receivers dedupe retries on `webhook-id`.
          id: `evt_${change.ticket.id}_${event.seq}`,
          type: webhookEventType(event),
          timestamp: event.at,
          data: { ticket: change.ticket, event },
        })),
      );
    },
    async (tx, change) => {
      // A new Tier 0 ticket gets a durable hand-off: if the assistant has not answered by then (the
      // process died, the answerer hung), the scheduler moves the ticket to L1. Nothing is stranded.
      if (change.previous !== null || change.ticket.tier !== 0 || assistant === false) return;
      // Only tickets a customer opened get the assistant (agents' proactive tickets skip it).
      if (change.events[0]?.actor.type !== 'customer') return;
      const due = clock.now() + assistantTimeoutMs + TIER0_GRACE_MS;
      await tx.query(
        `INSERT INTO timers (ticket_id, key, workspace_id, due_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (ticket_id, key) DO UPDATE SET due_at = EXCLUDED.due_at`,
        [change.ticket.id, TIER0_TIMER, change.ticket.workspaceId, new Date(due).toISOString()],
      );
      await notifyTimersChanged(tx, due);
    },
    // Notification mails: outbox rows in the change's transaction, sent by the email dispatcher.
    ...(email === undefined ? [] : [emailChangeWriter({ ...email, tokenSecret: emailTokenSecret })]),
    // Consequences the host adds (audit feeds, search indexing): same transaction, same fate.
    ...(options.writers ?? []),
  ];

  const tickets = createTicketService<TExtra>({
    db,
    workflow: (options.workflow ?? ticketMachine) as TicketMachine<TExtra>,
    clock,
    loadPolicies: loadTicketPolicies,
    writers,
    route: routeTicket,
  });

  const hub = createEventHub({ db, logger });
  const authenticate = createAuthenticator({
    db,
    clock,
    serverSecret,
    resolveWorkspaceSecret: async (workspaceId) => secrets.get(workspaceId) ?? null,
    ...(options.authenticateAgent === undefined ? {} : { authenticateAgent: options.authenticateAgent }),
  });

  const visitorLimiter = createRateLimiter({
    capacity: options.limits?.visitorTokens?.burst ?? 10,
    refillPerSecond: options.limits?.visitorTokens?.perSecond ?? 1 / 6,
  });
  // Unsubscribe links are public: a few per address and second is plenty for people and mail clients.
  const unsubscribeLimiter = createRateLimiter({ capacity: 20, refillPerSecond: 1 });
  // Mail providers post from a handful of addresses, so the inbound limit is per address and generous.
  const inboundRate = options.inboundEmail?.rateLimit ?? { burst: 300, perSecond: 50 };
  const inboundLimiter =
    inboundRate === false
      ? undefined
      : createRateLimiter({ capacity: inboundRate.burst, refillPerSecond: inboundRate.perSecond });
  const rateOptions = options.limits?.rateLimit ?? { burst: 60, perSecond: 10 };
  const limiter =
    rateOptions === false
      ? undefined
      : createRateLimiter({ capacity: rateOptions.burst, refillPerSecond: rateOptions.perSecond });

  // Policy edits re-evaluate open tickets (POLICIES.UPDATE) so no clock or escalation is left stale.
  // The work is durable: one timer row per open ticket, written in the policy change's own
  // transaction, fired by the scheduler (batched, once, on any instance, surviving restarts).
  const policiesChanged = async (tx: SqlExecutor, workspaceId: string): Promise<void> => {
    const due = clock.now();
    const { rowCount } = await tx.query(
      `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
       SELECT id, $2, workspace_id, $3 FROM tickets WHERE workspace_id = $1 AND status <> 'closed'
       ON CONFLICT (ticket_id, key) DO UPDATE SET due_at = EXCLUDED.due_at`,
      [workspaceId, POLICIES_TIMER, new Date(due).toISOString()],
    );
    if (rowCount > 0) await notifyTimersChanged(tx, due);
  };

  // Tier 0: the assistant answers new end-user tickets first; without an answer they go on to L1.
  const leaveTierZero = async (tx: SqlExecutor, ticket: Ticket, reason: string): Promise<Ticket> =>
    (await tickets.dispatchIn(
      tx,
      { workspaceId: ticket.workspaceId, ticketId: ticket.id },
      {
        type: 'TIER.ESCALATE',
        to: 1,
        reason,
        ruleId: 'tier0-assistant',
        actor: { type: 'system', name: 'assistant' },
      },
      { rejectIgnored: false },
    )) ?? ticket;
  const answerNewTicket = async (ticket: Ticket): Promise<void> => {
    if (assistant === false || ticket.tier !== 0) return;
    const question = await firstCustomerText(db, ticket);
    let answer: AssistantAnswer | null = null;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error('the assistant timed out')),
      assistantTimeoutMs,
    );
    try {
      answer = await Promise.race([
        assistant(ticket, question, {
          signal: controller.signal,
          searchArticles: (text, limit) =>
            searchPublishedArticles(db, ticket.workspaceId, { q: text, limit, match: 'any' }),
        }),
        new Promise<null>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
        ),
      ]);
    } catch (error) {
      logger.warn('the Tier 0 assistant failed; the ticket goes to L1', {
        ticketId: ticket.id,
        error: String(error),
      });
    } finally {
      clearTimeout(timer);
    }
    await db.transaction(async (tx) => {
      // The durable hand-off may have moved the ticket on meanwhile (or the requester answered):
      // only a ticket still waiting at Tier 0 gets the answer or the move.
      const current = await readTicket(tx, ticket.workspaceId, ticket.id);
      if (!waitingAtTierZero(current)) {
        return;
      }
      if (answer === null || answer.body.trim() === '') {
        await leaveTierZero(tx, ticket, 'no self-service answer');
        return;
      }
      await tickets.dispatchIn(
        tx,
        { workspaceId: ticket.workspaceId, ticketId: ticket.id },
        {
          type: 'MESSAGE.BOT',
          messageId: createId('msg'),
          body: answer.body,
          actor: { type: 'bot', name: 'Assistant' },
        },
        { rejectIgnored: false },
      );
    });
  };

  let closed = false;
  const handler = createFetchHandler({
    app: {
      db,
      tickets,
      clock,
      logger,
      stream: (request, identity) => hub.stream(request, identity),
      policiesChanged,
      assistantEnabled: assistant !== false,
      validateCustomFields: (value) => validateCustomFields(options.customFields, value),
      answerNewTicket,
      leaveTierZero,
    },
    authenticate: (request, opts) => authenticate(request, opts),
    ...(limiter === undefined
      ? {}
      : {
          rateLimit: (key: string) => {
            const decision = limiter.take(key);
            return { allowed: decision.allowed, retryAfterSeconds: decision.retryAfterSeconds };
          },
        }),
    limits: { maxBodyBytes: options.limits?.maxBodyBytes ?? 256 * 1024 },
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
    ...(options.cors === undefined ? {} : { cors: options.cors }),
    ready: async () => {
      if (closed) return false;
      try {
        await db.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    extraRoutes: [
      {
        // Anonymous visitors get a server-signed token for one workspace (limited scope: own tickets).
        method: 'POST',
        path: '/v1/visitors',
        // Each token is a new identity with its own request budget, so minting them is what must be
        // limited: a few per client address and minute.
        rateLimit: (key: string) => visitorLimiter.take(addressBucket(key)),
        handle: async (request) => {
          const workspaceId = new URL(request.url).searchParams.get('workspace');
          if (workspaceId === null || !secrets.has(workspaceId)) {
            return errorResponse(new ApiError('not_found', 'No such workspace.'));
          }
          const issued = await issueVisitorToken({ workspaceId, secret: serverSecret as string, clock });
          return new Response(JSON.stringify(issued), {
            status: 201,
            headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          });
        },
      },
      // Files the server keeps (inbound mail): the requester's and the agents' downloads.
      ...(['user', 'agent'] as const).map((kind) => ({
        method: 'GET',
        path: `/v1${kind === 'agent' ? '/agent' : ''}/tickets/:ticketId/attachments/:attachmentId`,
        handle: async (request: Request, _context: RequestContext, params: Record<string, string>) => {
          const identity = await authenticate(request, { allowQueryToken: false });
          if (identity === null) {
            throw new ApiError(
              'unauthorized',
              'Authentication required: send Authorization: Bearer <token>.',
              {
                headers: { 'www-authenticate': 'Bearer' },
              },
            );
          }
          if (identity.kind !== kind) {
            throw new ApiError(
              'forbidden',
              kind === 'agent' ? 'This route is for agents.' : 'This route is for end users.',
            );
          }
          const decision = limiter?.take(identityKey(identity));
          if (decision !== undefined && !decision.allowed) {
            throw new ApiError('rate_limited', 'Too many requests; slow down.', {
              headers: { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterSeconds))) },
            });
          }
          return downloadAttachment(db, identity, {
            ticketId: params.ticketId ?? '',
            attachmentId: params.attachmentId ?? '',
          });
        },
      })),
      ...(email === undefined
        ? []
        : ['GET', 'POST'].map((method) => ({
            method,
            path: UNSUBSCRIBE_PATH,
            rateLimit: (key: string) => unsubscribeLimiter.take(addressBucket(key)),
            handle: unsubscribeHandler({ db, tokenSecret: emailTokenSecret }),
          }))),
      ...(options.inboundEmail === undefined
        ? []
        : (Object.keys(INBOUND_EMAIL_PATHS) as (keyof typeof INBOUND_EMAIL_PATHS)[]).map((format) => ({
            method: 'POST',
            path: INBOUND_EMAIL_PATHS[format],
            ...(inboundLimiter === undefined
              ? {}
              : { rateLimit: (key: string) => inboundLimiter.take(addressBucket(key)) }),
            handle: inboundEmailHandler(
              {
                db,
                tickets,
                tokenSecret: options.inboundEmail?.tokenSecret ?? emailTokenSecret,
                leaveTierZero,
              },
              options.inboundEmail as InboundEmailOptions,
              format,
            ),
          }))),
    ],
  });

  const background = options.background ?? true;
  const scheduler = createTimerScheduler({
    db,
    clock,
    logger,
    fire: async (tx, timer) => {
      if (timer.key === POLICIES_TIMER) {
        const stored = await readTicket(tx, timer.workspaceId, timer.ticketId);
        if (stored === null || stored.data.status === 'closed') return;
        const policies = await loadTicketPolicies(tx, timer.workspaceId);
        await tickets.dispatchIn(
          tx,
          { workspaceId: timer.workspaceId, ticketId: timer.ticketId },
          {
            type: 'POLICIES.UPDATE',
            sla: policies.sla,
            escalationRules: policies.escalationRules,
            actor: { type: 'system' },
          },
          { rejectIgnored: false },
        );
        return;
      }
      if (timer.key === TIER0_TIMER) {
        const stored = await readTicket(tx, timer.workspaceId, timer.ticketId);
        if (!waitingAtTierZero(stored)) {
          return;
        }
        const { rows } = await tx.query(
          `SELECT 1 FROM ticket_events WHERE ticket_id = $1 AND type = 'message.public' AND event->>'role' = 'bot' LIMIT 1`,
          [timer.ticketId],
        );
        // An answer is there: the requester decides (accept, reject or reply). Otherwise: on to L1.
        if (rows.length === 0) await leaveTierZero(tx, stored.data, 'the assistant did not answer in time');
        return;
      }
      const ref = { workspaceId: timer.workspaceId, ticketId: timer.ticketId };
      if (timer.key === 'sla') {
        await tickets.dispatchIn(
          tx,
          ref,
          { type: 'SLA.TICK', actor: { type: 'system' } },
          { rejectIgnored: false },
        );
      } else if (timer.key === 'auto_close' || timer.key === 'snooze') {
        await tickets.dispatchIn(
          tx,
          ref,
          { type: 'TIMER.FIRED', key: timer.key, actor: { type: 'system' } },
          { rejectIgnored: false },
        );
      } else {
        // A key this version does not know (a newer instance wrote it during a rolling deploy): fail,
        // so the scheduler keeps it and retries with back-off instead of silently consuming it.
        throw new Error(`unknown timer key ${JSON.stringify(timer.key)} for ticket ${timer.ticketId}`);
      }
    },
  });
  const dispatcher = createWebhookDispatcher({
    db,
    clock,
    logger,
    ...(options.webhooks?.allowPrivateNetworks === undefined
      ? {}
      : { allowPrivateNetworks: options.webhooks.allowPrivateNetworks }),
    ...(options.webhooks?.timeoutMs === undefined ? {} : { timeoutMs: options.webhooks.timeoutMs }),
    ...(options.webhooks?.retrySchedule === undefined
      ? {}
      : { retrySchedule: options.webhooks.retrySchedule }),
  });
  const emailTransport =
    email === undefined
      ? undefined
      : (email.transport ?? smtpTransport(email.smtp as NonNullable<typeof email.smtp>));
  const emailDispatcher =
    email === undefined || emailTransport === undefined
      ? undefined
      : createEmailDispatcher({
          db,
          transport: emailTransport,
          logger,
          ...(email.retrySchedule === undefined ? {} : { retrySchedule: email.retrySchedule }),
        });
  for (const ws of workspaces) {
    if (ws.webhooks !== undefined) {
      await syncWebhookEndpoints(db, ws.id, ws.webhooks, {
        ...(options.webhooks?.allowPrivateNetworks === undefined
          ? {}
          : { allowPrivateNetworks: options.webhooks.allowPrivateNetworks }),
      });
    }
  }
  const purge = setInterval(
    () => {
      purgeExpiredIdempotencyKeys(db, clock.now()).catch((error: unknown) =>
        logger.warn('purging idempotency keys failed', { error: String(error) }),
      );
    },
    60 * 60 * 1000,
  );
  purge.unref();
  if (background) {
    await scheduler.start();
    dispatcher.start();
    await emailDispatcher?.start();
  }

  const trustProxy = options.trustProxy;
  return {
    fetch: (request, context = {}) =>
      handler(request, {
        remoteAddress: clientAddress(request, { remoteAddress: context.remoteAddress, trustProxy }),
      }),
    db,
    tickets,
    email:
      emailDispatcher === undefined
        ? null
        : {
            drainOnce: () => emailDispatcher.drainOnce(),
            setOptOut: (workspaceId, requesterId, optedOut) =>
              setEmailOptOut(db, workspaceId, requesterId, optedOut),
          },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(purge);
      await Promise.allSettled([
        scheduler.stop(),
        dispatcher.stop(),
        hub.close(),
        ...(emailDispatcher === undefined ? [] : [emailDispatcher.stop()]),
      ]);
      if (
        emailTransport !== undefined &&
        'close' in emailTransport &&
        typeof emailTransport.close === 'function'
      ) {
        emailTransport.close();
      }
      if (owned) await db.close();
    },
  };
}

// Configuration is input like any other: validated by the same schemas as the API (defaults applied),
// and refused at start with the path of the problem rather than failing on the first ticket.
function parseConfig<S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TypeError(
      `Invalid ${where}: ${issue?.message ?? 'rejected'} at ${[where, ...(issue?.path ?? [])].join('.')}`,
    );
  }
  return result.data;
}

async function seedWorkspace(db: SqlDatabase, config: WorkspaceConfig): Promise<void> {
  const where = `workspaces[${config.id}]`;
  const ws = {
    ...config,
    policies: {
      slaPolicies: config.policies?.slaPolicies?.map((p, i) =>
        parseConfig(SlaPolicySchema, p, `${where}.policies.slaPolicies[${i}]`),
      ),
      calendars: config.policies?.calendars?.map((p, i) =>
        parseConfig(BusinessCalendarSchema, p, `${where}.policies.calendars[${i}]`),
      ),
      escalationRules: config.policies?.escalationRules?.map((p, i) =>
        parseConfig(EscalationRuleSchema, p, `${where}.policies.escalationRules[${i}]`),
      ),
      routingRules: config.policies?.routingRules?.map((p, i) =>
        parseConfig(RoutingRuleSchema, p, `${where}.policies.routingRules[${i}]`),
      ),
    },
    agents: config.agents?.map((a, i) => parseConfig(AgentSchema, a, `${where}.agents[${i}]`)),
  };
  await db.transaction(async (tx) => {
    await tx.query(
      'INSERT INTO workspaces (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name',
      [ws.id, ws.name],
    );
    const seed = async <K extends 'sla_policy' | 'calendar' | 'escalation_rule' | 'routing_rule'>(
      kind: K,
      items: Parameters<typeof insertPolicy<K>>[3][] | undefined,
    ): Promise<void> => {
      if (items === undefined || items.length === 0) return;
      const { rows } = await tx.query(
        'SELECT 1 FROM policies WHERE workspace_id = $1 AND kind = $2 LIMIT 1',
        [ws.id, kind],
      );
      if (rows.length > 0) return;
      for (const item of items) await insertPolicy(tx, ws.id, kind, item);
    };
    await seed('sla_policy', ws.policies?.slaPolicies);
    await seed('calendar', ws.policies?.calendars);
    await seed('escalation_rule', ws.policies?.escalationRules);
    await seed('routing_rule', ws.policies?.routingRules);
    for (const agent of ws.agents ?? []) {
      await tx.query(
        `INSERT INTO agents (workspace_id, id, data, active) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, id) DO UPDATE SET data = EXCLUDED.data, active = EXCLUDED.active`,
        [ws.id, agent.id, JSON.stringify(agent), agent.active],
      );
    }
  });
}

/** Whether a ticket still waits at Tier 0 for the assistant (not moved on, not solved or closed). */
function waitingAtTierZero<T extends { data: Ticket }>(stored: T | null): stored is T {
  const ticket = stored?.data;
  return (
    ticket !== undefined && ticket.tier === 0 && ticket.status !== 'solved' && ticket.status !== 'closed'
  );
}

// The assistant reads what the requester asked: the subject and their first message.
async function firstCustomerText(db: SqlExecutor, ticket: Ticket): Promise<string> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT event->>'body' AS body FROM ticket_events
      WHERE ticket_id = $1 AND type = 'message.public' ORDER BY seq LIMIT 1`,
    [ticket.id],
  );
  return `${ticket.subject}\n${rows[0]?.body ?? ''}`;
}

// IPv6 clients get a /64 each from their provider: rotating within it must not reset the limit.
function addressBucket(key: string): string {
  const match = /^ip:(.*):(\/[^:]*)$/.exec(key);
  const address = match?.[1];
  if (address === undefined || !ipaddr.isValid(address)) return key;
  const parsed = ipaddr.process(address);
  if (parsed.kind() !== 'ipv6') return key;
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `ip:${parts.join(':')}::/64:${match?.[2] ?? ''}`;
}
