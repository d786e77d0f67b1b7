import type {
  Agent,
  Article,
  ClockSummary,
  MetricsReport,
  Requester,
  Ticket,
  TicketPriority,
  TicketStatus,
  Tier,
  TimelineEvent,
  TimelineEventDraft,
} from '@tierdesk/core';
import { storyMarkdown } from './story.markdown';

// The help desk the stories show: a small workspace with a knowledge base in three languages, one
// signed-in end user with a few tickets, other requesters in the agents' queue, and a month of
// metrics. Every value is built to pass the contract's schemas (the story client validates each
// answer exactly as it would a real server's), and every markdown body carries the node tree the
// server's parser makes of it. Instants are fixed, so stories render the same on every run.

/** The workspace every fixture belongs to. */
export const STORY_WORKSPACE = 'ws-story';

/** The signed-in end user of the widget stories (`identity` of the story provider). */
export const STORY_USER: Requester = {
  id: 'u-wanda',
  name: 'Wanda Kowalski',
  email: 'wanda@example.com',
  plan: 'business',
  tags: [],
};

/** The signed-in agent of agent-side stories. */
export const STORY_AGENT: Agent = {
  id: 'agent-lee',
  name: 'Lee Okafor',
  email: 'lee@example.com',
  tiers: [1, 2],
  groups: ['grp-network'],
  capacity: 12,
  active: true,
};

/** The workspace's agents. */
export const STORY_AGENTS: readonly Agent[] = [
  STORY_AGENT,
  {
    id: 'agent-ines',
    name: 'Inès Moreau',
    email: 'ines@example.com',
    tiers: [1],
    groups: ['grp-billing'],
    capacity: 15,
    active: true,
  },
  {
    id: 'agent-raj',
    name: 'Raj Patel',
    email: 'raj@example.com',
    tiers: [2, 3],
    groups: ['grp-network'],
    capacity: 8,
    active: true,
  },
  {
    id: 'agent-mei',
    name: 'Mei Tanaka',
    tiers: [3],
    groups: [],
    capacity: 6,
    active: false,
  },
];

const OTHER_REQUESTERS: readonly Requester[] = [
  { id: 'u-omar', name: 'Omar Haddad', email: 'omar@example.com', plan: 'enterprise', tags: ['vip'] },
  { id: 'u-jonas', name: 'Jonas Becker', email: 'jonas@example.com', plan: 'starter', tags: [] },
  { id: 'u-priya', name: 'Priya Nair', email: 'priya@example.com', plan: 'business', tags: [] },
];

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
/** "Now" for the fixtures: timestamps are this instant minus some hours. */
const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * HOUR).toISOString();

// ——— knowledge base ———

interface ArticleSeed {
  id: string;
  title: string;
  body: string;
  tags: string[];
  locale: string;
  views: number;
  helpful: number;
}

const ARTICLE_SEEDS: readonly ArticleSeed[] = [
  {
    id: 'art-vpn',
    title: 'Fixing VPN drops',
    locale: 'en',
    tags: ['vpn', 'network'],
    views: 1_204,
    helpful: 311,
    body: [
      'When the **VPN** drops every hour, the device certificate has usually expired.',
      '',
      '## Check the certificate',
      '',
      '1. Open **Settings → Security**.',
      '2. Look at *Device certificate*: the expiry date is shown below it.',
      '3. If it has expired, follow [Renewing your device certificate](tierdesk:article/art-certs).',
      '',
      '## Still dropping?',
      '',
      'Collect the client log and attach it to a request:',
      '',
      '```sh',
      'tierdesk-vpn diagnostics --since 2h > vpn-log.txt',
      '```',
      '',
      '> The log contains no passwords, only connection events.',
    ].join('\n'),
  },
  {
    id: 'art-certs',
    title: 'Renewing your device certificate',
    locale: 'en',
    tags: ['vpn', 'security'],
    views: 640,
    helpful: 122,
    body: [
      'Device certificates last **90 days**. To renew yours:',
      '',
      '- Sign in to the [account portal](https://portal.example.com/devices).',
      '- Choose the device and click `Renew`.',
      '- Restart the VPN client.',
      '',
      'Renewal keeps your saved networks.',
    ].join('\n'),
  },
  {
    id: 'art-export',
    title: 'Exporting reports to CSV',
    locale: 'en',
    tags: ['reports'],
    views: 980,
    helpful: 201,
    body: [
      'Every report can be exported from its **Export** menu.',
      '',
      '| Format | Rows | Notes |',
      '| --- | ---: | --- |',
      '| CSV | 1,000,000 | UTF-8 with a header row |',
      '| XLSX | 100,000 | one sheet per report |',
      '',
      'An export is empty when the report’s date filter matches no rows: widen the range and try again.',
    ].join('\n'),
  },
  {
    id: 'art-2fa',
    title: 'Setting up two-factor authentication',
    locale: 'en',
    tags: ['security', 'account'],
    views: 2_310,
    helpful: 540,
    body: [
      'Two-factor authentication protects your account even when your password leaks.',
      '',
      '- [x] Install an authenticator app',
      '- [ ] Scan the QR code under **Profile → Security**',
      '- [ ] Store the recovery codes somewhere safe',
    ].join('\n'),
  },
  {
    id: 'art-billing',
    title: 'Changing your billing plan',
    locale: 'en',
    tags: ['billing'],
    views: 455,
    helpful: 80,
    body: 'Plans change at the start of the next billing period. Write to billing@example.com for invoices with a different VAT number.',
  },
  {
    id: 'art-vpn-de',
    title: 'VPN-Abbrüche beheben',
    locale: 'de',
    tags: ['vpn', 'network'],
    views: 212,
    helpful: 40,
    body: 'Bricht das **VPN** stündlich ab, ist meist das Gerätezertifikat abgelaufen. Erneuern Sie es unter *Einstellungen → Sicherheit*.',
  },
  {
    id: 'art-vpn-ar',
    title: 'إصلاح انقطاع اتصال VPN',
    locale: 'ar',
    tags: ['vpn', 'network'],
    views: 98,
    helpful: 17,
    body: 'إذا انقطع اتصال **VPN** كل ساعة، فغالبًا ما تكون شهادة الجهاز منتهية الصلاحية. جدّدها من *الإعدادات ← الأمان*.',
  },
  {
    id: 'art-2fa-ar',
    title: 'إعداد المصادقة الثنائية',
    locale: 'ar',
    tags: ['security'],
    views: 41,
    helpful: 9,
    body: 'تحمي المصادقة الثنائية حسابك حتى إذا تسربت كلمة المرور.',
  },
];

/** Published articles of the knowledge base (English, German and Arabic). */
export function storyArticles(): Article[] {
  return ARTICLE_SEEDS.map((seed, i) => ({
    id: seed.id,
    workspaceId: STORY_WORKSPACE,
    title: seed.title,
    body: seed.body,
    bodyNodes: storyMarkdown(seed.body),
    tags: seed.tags,
    locale: seed.locale,
    published: true,
    helpfulCount: seed.helpful,
    notHelpfulCount: Math.round(seed.helpful / 9),
    views: seed.views,
    createdAt: at(24 * (90 - i * 7)),
    updatedAt: at(24 * (20 - i)),
  }));
}

// ——— tickets ———

/** A clock summary of the customer's SLA, running or met, as the server reports it. */
function slaClock(
  metric: ClockSummary['metric'],
  startedHoursAgo: number,
  targetHours: number,
  state: 'running' | 'met' | 'breached',
): ClockSummary {
  const elapsedMs = state === 'met' ? targetHours * HOUR * 0.4 : startedHoursAgo * HOUR;
  const dueAt = new Date(NOW - startedHoursAgo * HOUR + targetHours * HOUR).toISOString();
  const running = state !== 'met';
  return {
    id: `sla:${metric}`,
    kind: 'sla',
    metric,
    policyId: 'sla-business',
    status: running ? 'running' : 'met',
    run: 1,
    targetMs: targetHours * HOUR,
    elapsedMs,
    asOf: at(0),
    startedAt: at(startedHoursAgo),
    warningAt: running
      ? new Date(NOW - startedHoursAgo * HOUR + targetHours * HOUR * 0.8).toISOString()
      : null,
    dueAt: running ? dueAt : null,
    warned: state === 'breached' || (running && elapsedMs >= targetHours * HOUR * 0.8),
    breached: state === 'breached',
    metAt: running ? null : at(startedHoursAgo - targetHours * 0.4),
    pausedSince: null,
  };
}

interface TicketSeed {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  tier: Tier;
  requester: Requester;
  assigneeId: string | null;
  tags: string[];
  createdHoursAgo: number;
  sla: ClockSummary[];
  /** The conversation: who wrote what, hours after the ticket was opened. */
  messages: ReadonlyArray<{ role: 'customer' | 'agent' | 'bot'; body: string; afterHours: number }>;
  /** An internal note (agents only), hours after opening. */
  note?: { body: string; afterHours: number };
  csat?: { score: number; comment?: string };
  /** The ticket came in one tier lower and was escalated (internal: agents only), hours after opening. */
  escalated?: { from: Tier; reason: string; afterHours: number };
}

const agentName = (id: string | null): string =>
  STORY_AGENTS.find((a) => a.id === id)?.name ?? STORY_AGENT.name;

const TICKET_SEEDS: readonly TicketSeed[] = [
  {
    id: 'tkt-vpn',
    number: 1042,
    subject: 'VPN drops every hour',
    status: 'open',
    priority: 'high',
    tier: 1,
    requester: STORY_USER,
    assigneeId: 'agent-lee',
    tags: ['vpn'],
    createdHoursAgo: 26,
    sla: [slaClock('first_response', 26, 4, 'met'), slaClock('resolution', 26, 40, 'running')],
    messages: [
      {
        role: 'customer',
        afterHours: 0,
        body: 'Since Monday my VPN disconnects every hour, on the dot. Reconnecting works, but calls drop.',
      },
      {
        role: 'agent',
        afterHours: 1.5,
        body: [
          'Thanks Wanda — hourly drops usually mean the **device certificate** expired.',
          '',
          'Could you:',
          '',
          '1. check the expiry date under *Settings → Security*, and',
          '2. send us the output of `tierdesk-vpn diagnostics --since 2h`?',
          '',
          'See [Fixing VPN drops](tierdesk:article/art-vpn) for screenshots.',
        ].join('\n'),
      },
      {
        role: 'customer',
        afterHours: 20,
        body: 'The certificate expired on the 17th. I renewed it, but it still drops — log attached.',
      },
    ],
    note: {
      afterHours: 21,
      body: 'Renewed cert still dropping: probably the **gateway pinning** bug (see problem PRB-88).',
    },
  },
  {
    id: 'tkt-export',
    number: 1038,
    subject: 'Export is empty',
    status: 'pending',
    priority: 'normal',
    tier: 1,
    requester: STORY_USER,
    assigneeId: 'agent-ines',
    tags: ['reports'],
    createdHoursAgo: 72,
    sla: [slaClock('first_response', 72, 8, 'met')],
    messages: [
      { role: 'customer', afterHours: 0, body: 'The monthly CSV export has a header row and nothing else.' },
      {
        role: 'agent',
        afterHours: 3,
        body: 'The report’s date filter was set to *next* month. Could you widen the range and export again?',
      },
    ],
  },
  {
    id: 'tkt-vat',
    number: 1021,
    subject: 'Invoice shows the wrong VAT number',
    status: 'solved',
    priority: 'low',
    tier: 1,
    requester: STORY_USER,
    assigneeId: 'agent-ines',
    tags: ['billing'],
    createdHoursAgo: 240,
    sla: [slaClock('first_response', 240, 8, 'met'), slaClock('resolution', 240, 72, 'met')],
    messages: [
      { role: 'customer', afterHours: 0, body: 'Our October invoice has last year’s VAT number on it.' },
      {
        role: 'agent',
        afterHours: 5,
        body: 'Corrected — the new invoice is in **Billing → Invoices**. Sorry for the trouble!',
      },
    ],
  },
  {
    id: 'tkt-sso',
    number: 1047,
    subject: 'SSO login loops back to the sign-in page',
    status: 'new',
    priority: 'urgent',
    tier: 2,
    requester: OTHER_REQUESTERS[0] as Requester,
    assigneeId: null,
    tags: ['sso', 'login'],
    createdHoursAgo: 3.5,
    sla: [slaClock('first_response', 3.5, 4, 'running')],
    messages: [
      {
        role: 'customer',
        afterHours: 0,
        body: 'Nobody in our org can sign in since 6:00 — Okta redirects back to `/login` forever.',
      },
    ],
  },
  {
    id: 'tkt-mobile',
    number: 1045,
    subject: 'Mobile app crashes on startup (Android 15)',
    status: 'open',
    priority: 'normal',
    tier: 2,
    requester: OTHER_REQUESTERS[1] as Requester,
    assigneeId: 'agent-raj',
    tags: ['mobile', 'android'],
    createdHoursAgo: 50,
    sla: [slaClock('first_response', 50, 8, 'met'), slaClock('resolution', 50, 48, 'breached')],
    escalated: {
      from: 1,
      afterHours: 7,
      reason: 'Reproducible on Android 15 only: needs the mobile team’s crash logs.',
    },
    note: {
      afterHours: 6.5,
      body: 'Crash log shows a **null pointer** in the push module on startup; moving to L2.',
    },
    messages: [
      { role: 'customer', afterHours: 0, body: 'The app closes right after the splash screen.' },
      {
        role: 'agent',
        afterHours: 2,
        body: 'Which app version is installed? It is under *Settings → About*.',
      },
      { role: 'customer', afterHours: 6, body: 'Version 8.14.2 (build 20311).' },
    ],
  },
  {
    id: 'tkt-seats',
    number: 1044,
    subject: 'Adding 20 seats before the audit',
    status: 'on_hold',
    priority: 'low',
    tier: 1,
    requester: OTHER_REQUESTERS[2] as Requester,
    assigneeId: 'agent-ines',
    tags: ['billing', 'seats'],
    createdHoursAgo: 30,
    sla: [slaClock('first_response', 30, 8, 'met')],
    messages: [
      {
        role: 'customer',
        afterHours: 0,
        body: 'We need 20 more seats by Friday. Can we pay by bank transfer?',
      },
    ],
  },
];

function ticketFrom(seed: TicketSeed, version: number): Ticket {
  const updatedHoursAgo = seed.createdHoursAgo - (seed.messages.at(-1)?.afterHours ?? 0);
  return {
    id: seed.id,
    number: seed.number,
    workspaceId: STORY_WORKSPACE,
    subject: seed.subject,
    status: seed.status,
    workflowState: seed.status,
    priority: seed.priority,
    tier: seed.tier,
    channel: 'widget',
    requester: seed.requester,
    assigneeId: seed.assigneeId,
    groupId: seed.tier >= 2 ? 'grp-network' : null,
    tags: seed.tags,
    customFields: seed.requester.plan === undefined ? {} : { plan: seed.requester.plan },
    sla: seed.sla,
    csat: seed.csat === undefined ? null : { ...seed.csat, at: at(updatedHoursAgo) },
    links: {},
    vendor: null,
    reopenCount: 0,
    createdAt: at(seed.createdHoursAgo),
    updatedAt: at(updatedHoursAgo),
    version,
  };
}

function timelineFrom(seed: TicketSeed): TimelineEvent[] {
  const customer = { type: 'customer' as const, id: seed.requester.id, name: seed.requester.name };
  const agent = {
    type: 'agent' as const,
    id: seed.assigneeId ?? STORY_AGENT.id,
    name: agentName(seed.assigneeId),
  };
  const events: TimelineEvent[] = [];
  const push = (event: TimelineEventDraft): void => {
    events.push({ ...event, seq: events.length + 1 } as TimelineEvent);
  };
  const hoursAt = (afterHours: number) => at(seed.createdHoursAgo - afterHours);
  push({
    type: 'ticket.created',
    at: hoursAt(0),
    actor: customer,
    subject: seed.subject,
    status: 'new',
    priority: seed.priority,
    tier: seed.escalated?.from ?? seed.tier,
    channel: 'widget',
    requester: seed.requester,
    tags: seed.tags,
  });
  const entries = [
    ...seed.messages.map((m, i) => ({ kind: 'message' as const, i, afterHours: m.afterHours })),
    ...(seed.note === undefined ? [] : [{ kind: 'note' as const, i: 0, afterHours: seed.note.afterHours }]),
    ...(seed.escalated === undefined
      ? []
      : [{ kind: 'escalation' as const, i: 0, afterHours: seed.escalated.afterHours }]),
  ].sort((a, b) => a.afterHours - b.afterHours);
  let status: TicketStatus = 'new';
  const moveTo = (to: TicketStatus, afterHours: number): void => {
    if (to === status) return;
    push({ type: 'status.changed', at: hoursAt(afterHours), actor: agent, from: status, to });
    status = to;
  };
  for (const entry of entries) {
    if (entry.kind === 'escalation' && seed.escalated !== undefined) {
      push({
        type: 'tier.changed',
        at: hoursAt(entry.afterHours),
        actor: agent,
        from: seed.escalated.from,
        to: seed.tier,
        reason: seed.escalated.reason,
      });
      continue;
    }
    if (entry.kind === 'note' && seed.note !== undefined) {
      push({
        type: 'note.internal',
        at: hoursAt(entry.afterHours),
        actor: agent,
        noteId: `${seed.id}-note`,
        body: seed.note.body,
        bodyNodes: storyMarkdown(seed.note.body),
      });
      continue;
    }
    const message = seed.messages[entry.i];
    if (message === undefined) continue;
    // The first agent reply opens the ticket, as the ticket machine does.
    if (message.role === 'agent') moveTo('open', entry.afterHours);
    push({
      type: 'message.public',
      at: hoursAt(entry.afterHours),
      actor: message.role === 'customer' ? customer : agent,
      messageId: `${seed.id}-m${entry.i + 1}`,
      role: message.role,
      body: message.body,
      bodyNodes: storyMarkdown(message.body),
      attachments: [],
    });
  }
  moveTo(seed.status, seed.messages.at(-1)?.afterHours ?? 0);
  return events;
}

/** A ticket with its whole timeline (internal notes included), as the store keeps it. */
export interface StoryTicketRecord {
  ticket: Ticket;
  events: TimelineEvent[];
}

/** The tickets of the workspace: the story user's three and three of other requesters. */
export function storyTickets(): StoryTicketRecord[] {
  return TICKET_SEEDS.map((seed) => {
    const events = timelineFrom(seed);
    return { ticket: ticketFrom(seed, events.length), events };
  });
}

const LONG_THREAD_LINES = [
  'Still seeing the sync conflict on the shared calendar.',
  'Could you try removing the calendar from the app and adding it again?',
  'Done — the **duplicates** came back after ten minutes.',
  'Thanks. Which devices are signed in to the account right now?',
  'A laptop (macOS 15) and two phones: one `iOS 19`, one Android.',
  'Please sign out on the Android phone and tell us if conflicts stop.',
  'They stopped for an hour, then started again.',
  'We found a bug in the recurrence expansion; a fix is scheduled. I’ll keep you posted.',
];

/**
 * A ticket of the story user with a 200-message conversation (customer and agent taking turns), for
 * long-thread rendering and scrolling.
 */
export function storyLongThread(messageCount = 200): StoryTicketRecord {
  const messages = Array.from({ length: messageCount }, (_, i) => ({
    role: (i % 2 === 0 ? 'customer' : 'agent') as 'customer' | 'agent',
    afterHours: i * 0.5,
    body: `${LONG_THREAD_LINES[i % LONG_THREAD_LINES.length]} (${i + 1}/${messageCount})`,
  }));
  const seed: TicketSeed = {
    id: 'tkt-calendar',
    number: 1050,
    subject: 'Sync conflicts on the shared calendar',
    status: 'open',
    priority: 'normal',
    tier: 2,
    requester: STORY_USER,
    assigneeId: 'agent-raj',
    tags: ['calendar', 'sync'],
    createdHoursAgo: messageCount * 0.5 + 1,
    sla: [slaClock('first_response', messageCount * 0.5 + 1, 8, 'met')],
    messages,
  };
  const events = timelineFrom(seed);
  return { ticket: ticketFrom(seed, events.length), events };
}

/** The states a clock can be shown in, as the SLA countdown names them. */
export type StoryClockState = 'running' | 'warning' | 'overdue' | 'paused' | 'met' | 'stopped';

/** Options of {@link storyClock}. */
export interface StoryClockOptions {
  /** The metric the clock measures. Default `first_response`. */
  metric?: ClockSummary['metric'];
  /** The instant the clock is described at, epoch ms. Default `Date.now()`. */
  now?: number;
  /**
   * For running clocks: ms until due (negative once overdue). Defaults: running 3 h, warning 25 min,
   * overdue −40 min. For paused clocks: the business time left in the run (default 3 h).
   */
  remainingMs?: number;
  /** The clock's target, ms. Default 8 h (4 h for reply metrics). */
  targetMs?: number;
}

const DEFAULT_REMAINING: Record<StoryClockState, number> = {
  running: 3 * HOUR,
  warning: 25 * MINUTE,
  overdue: -40 * MINUTE,
  paused: 3 * HOUR,
  met: 0,
  stopped: 0,
};

/**
 * One SLA clock in a given state, counted from `now` rather than from the fixtures' fixed instant:
 * countdowns compare due times with the real clock, so a story that shows "due in 25 min" must build
 * its clock when it renders. The clock is what the server would report at `now` (warning at 80 % of
 * the target, breached past it).
 */
export function storyClock(state: StoryClockState, options: StoryClockOptions = {}): ClockSummary {
  const metric = options.metric ?? 'first_response';
  const now = options.now ?? Date.now();
  const targetMs = options.targetMs ?? (metric === 'resolution' ? 8 * HOUR : 4 * HOUR);
  const remainingMs = options.remainingMs ?? DEFAULT_REMAINING[state];
  const iso = (ms: number) => new Date(ms).toISOString();
  const base = {
    id: `sla:${metric}`,
    kind: 'sla' as const,
    metric,
    policyId: 'sla-business',
    run: 1,
    targetMs,
    asOf: iso(now),
    warned: false,
    breached: false,
    metAt: null,
    pausedSince: null,
  };
  if (state === 'running' || state === 'warning' || state === 'overdue') {
    const dueAt = now + remainingMs;
    const elapsedMs = Math.max(0, targetMs - remainingMs);
    return {
      ...base,
      status: 'running',
      elapsedMs,
      startedAt: iso(now - elapsedMs),
      warningAt: iso(dueAt - targetMs * 0.2),
      dueAt: iso(dueAt),
      warned: state !== 'running',
      breached: state === 'overdue',
    };
  }
  if (state === 'paused') {
    const elapsedMs = Math.max(0, targetMs - remainingMs);
    return {
      ...base,
      status: 'paused',
      elapsedMs,
      startedAt: iso(now - elapsedMs - 2 * HOUR),
      warningAt: null,
      dueAt: null,
      pausedSince: iso(now - 2 * HOUR),
    };
  }
  return {
    ...base,
    status: state,
    elapsedMs: targetMs * 0.4,
    startedAt: iso(now - 6 * HOUR),
    warningAt: null,
    dueAt: null,
    metAt: state === 'met' ? iso(now - 6 * HOUR + targetMs * 0.4) : null,
  };
}

const BUSY_SUBJECTS = [
  'Cannot reset my password',
  'Webhook deliveries time out',
  'Dashboard shows yesterday’s numbers',
  'Invoice PDF is blank',
  'SAML certificate rotation',
  'Bulk import stops at row 5,000',
  'Push notifications arrive twice',
  'API returns 429 below the limit',
];

/**
 * A busy queue: `count` tickets of other requesters opened in the last hours, with countdowns in
 * every state (breached, at risk, running, paused, met, none) counted from `now`. With the fixtures
 * they make more than one page of the queue.
 */
export function storyBusyQueue(count = 40, now = Date.now()): StoryTicketRecord[] {
  const states: ReadonlyArray<StoryClockState | 'none'> = [
    'overdue',
    'warning',
    'running',
    'paused',
    'running',
    'met',
    'none',
    'warning',
  ];
  const statuses: readonly TicketStatus[] = ['new', 'open', 'open', 'pending', 'open', 'on_hold'];
  const priorities: readonly TicketPriority[] = ['urgent', 'high', 'normal', 'low', 'normal'];
  const agents = [null, 'agent-lee', 'agent-ines', 'agent-raj'] as const;
  return Array.from({ length: count }, (_, i) => {
    const state = states[i % states.length] ?? 'none';
    const status: TicketStatus = state === 'paused' ? 'pending' : (statuses[i % statuses.length] ?? 'open');
    const requester = OTHER_REQUESTERS[i % OTHER_REQUESTERS.length] as Requester;
    const createdAt = new Date(now - (i + 1) * 20 * MINUTE).toISOString();
    const sla =
      state === 'none'
        ? []
        : [
            storyClock(state, {
              now,
              metric: i % 3 === 0 ? 'resolution' : 'first_response',
              // Spread the due times so the rows do not all read the same.
              ...(state === 'running' ? { remainingMs: (2 + (i % 5)) * HOUR } : {}),
              ...(state === 'warning' ? { remainingMs: (10 + (i % 4) * 10) * MINUTE } : {}),
              ...(state === 'overdue' ? { remainingMs: -(15 + (i % 3) * 30) * MINUTE } : {}),
            }),
          ];
    const id = `tkt-busy-${i + 1}`;
    const subject = `${BUSY_SUBJECTS[i % BUSY_SUBJECTS.length]} (${i + 1})`;
    const tier = ((i % 3) + 1) as Tier;
    const actor = { type: 'customer' as const, id: requester.id, name: requester.name };
    const body = `${subject}: it started this morning.`;
    const events: TimelineEvent[] = [
      {
        seq: 1,
        type: 'ticket.created',
        at: createdAt,
        actor,
        subject,
        status: 'new',
        priority: priorities[i % priorities.length] ?? 'normal',
        tier,
        channel: 'widget',
        requester,
        tags: [],
      },
      {
        seq: 2,
        type: 'message.public',
        at: createdAt,
        actor,
        messageId: `${id}-m1`,
        role: 'customer',
        body,
        bodyNodes: storyMarkdown(body),
        attachments: [],
      },
    ];
    const ticket: Ticket = {
      id,
      number: 1100 + i,
      workspaceId: STORY_WORKSPACE,
      subject,
      status,
      workflowState: status,
      priority: priorities[i % priorities.length] ?? 'normal',
      tier,
      channel: 'widget',
      requester,
      assigneeId: agents[i % agents.length] ?? null,
      groupId: tier >= 2 ? 'grp-network' : null,
      tags: [],
      customFields: {},
      sla,
      csat: null,
      links: {},
      vendor: null,
      reopenCount: 0,
      createdAt,
      updatedAt: createdAt,
      version: events.length,
    };
    return { ticket, events };
  });
}

/**
 * The story user's tickets with promises counted from `now`: "VPN drops" owes a reply in 25 minutes,
 * a new "Printer offline" request is 40 minutes past its reply target, "Export is empty" waits for
 * the user (its clock paused: nothing promised), the solved one has its clocks met, and a
 * "Data export for the audit" request is owed a resolution the day after.
 */
export function storyPromiseTickets(now = Date.now()): StoryTicketRecord[] {
  const records = storyTickets();
  const clocks: Record<string, ClockSummary[]> = {
    'tkt-vpn': [
      storyClock('met', { now }),
      storyClock('warning', { now, metric: 'next_response', remainingMs: 25 * MINUTE }),
      storyClock('running', { now, metric: 'resolution', remainingMs: 20 * HOUR, targetMs: 40 * HOUR }),
    ],
    'tkt-export': [storyClock('met', { now }), storyClock('paused', { now, metric: 'resolution' })],
  };
  for (const record of records) {
    const sla = clocks[record.ticket.id];
    if (sla !== undefined) record.ticket = { ...record.ticket, sla };
  }
  const fresh = (
    id: string,
    number: number,
    subject: string,
    minutesAgo: number,
    sla: ClockSummary[],
  ): StoryTicketRecord => {
    const createdAt = new Date(now - minutesAgo * MINUTE).toISOString();
    const actor = { type: 'customer' as const, id: STORY_USER.id, name: STORY_USER.name };
    const events: TimelineEvent[] = [
      {
        seq: 1,
        type: 'ticket.created',
        at: createdAt,
        actor,
        subject,
        status: 'new',
        priority: 'normal',
        tier: 1,
        channel: 'widget',
        requester: STORY_USER,
        tags: [],
      },
      {
        seq: 2,
        type: 'message.public',
        at: createdAt,
        actor,
        messageId: `${id}-m1`,
        role: 'customer',
        body: subject,
        bodyNodes: storyMarkdown(subject),
        attachments: [],
      },
    ];
    const ticket: Ticket = {
      id,
      number,
      workspaceId: STORY_WORKSPACE,
      subject,
      status: 'new',
      workflowState: 'new',
      priority: 'normal',
      tier: 1,
      channel: 'widget',
      requester: STORY_USER,
      assigneeId: null,
      groupId: null,
      tags: [],
      customFields: {},
      sla,
      csat: null,
      links: {},
      vendor: null,
      reopenCount: 0,
      createdAt,
      updatedAt: createdAt,
      version: events.length,
    };
    return { ticket, events };
  };
  return [
    ...records,
    fresh('tkt-printer', 1060, 'Printer offline', 4 * 60 + 40, [
      storyClock('overdue', { now, remainingMs: -40 * MINUTE }),
    ]),
    fresh('tkt-audit', 1061, 'Data export for the audit', 10, [
      storyClock('running', { now, metric: 'resolution', remainingMs: 30 * HOUR, targetMs: 40 * HOUR }),
    ]),
  ];
}

/** A month of support metrics for the metrics panel. */
export function storyMetrics(): MetricsReport {
  return {
    from: at(24 * 30),
    to: at(0),
    firstResponse: { count: 412, medianMs: 47 * MINUTE, p90Ms: 5.5 * HOUR },
    resolution: { count: 376, medianMs: 19 * HOUR, p90Ms: 71 * HOUR },
    slaCompliance: [
      { kind: 'sla', metric: 'first_response', met: 389, breached: 23, rate: 389 / 412 },
      { kind: 'sla', metric: 'resolution', met: 340, breached: 36, rate: 340 / 376 },
      { kind: 'ola', metric: 'first_response', met: 120, breached: 4, rate: 120 / 124 },
    ],
    breaches: 63,
    escalations: [
      { from: 0, to: 1, count: 298, rate: 298 / 702 },
      { from: 1, to: 2, count: 71, rate: 71 / 430 },
      { from: 2, to: 3, count: 12, rate: 12 / 83 },
      { from: 3, to: 4, count: 3, rate: 3 / 15 },
    ],
    firstContactResolution: { solved: 376, firstContact: 214, rate: 214 / 376 },
    reopens: { solved: 376, reopened: 19, rate: 19 / 376 },
    backlog: [
      {
        tier: 1,
        total: 38,
        byAge: [
          { label: '<1d', count: 21 },
          { label: '1-3d', count: 12 },
          { label: '>3d', count: 5 },
        ],
      },
      {
        tier: 2,
        total: 11,
        byAge: [
          { label: '<1d', count: 4 },
          { label: '1-3d', count: 5 },
          { label: '>3d', count: 2 },
        ],
      },
      { tier: 3, total: 2, byAge: [{ label: '>3d', count: 2 }] },
    ],
    csat: { responses: 188, satisfied: 162, score: 162 / 188, average: 4.4 },
    deflection: { sessions: 1_530, deflected: 702, rate: 702 / 1_530 },
  };
}

/** The metrics of a workspace with no activity in the window (every rate `null`). */
export function storyEmptyMetrics(): MetricsReport {
  return {
    from: at(24 * 30),
    to: at(0),
    firstResponse: { count: 0, medianMs: null, p90Ms: null },
    resolution: { count: 0, medianMs: null, p90Ms: null },
    slaCompliance: [],
    breaches: 0,
    escalations: [],
    firstContactResolution: { solved: 0, firstContact: 0, rate: null },
    reopens: { solved: 0, reopened: 0, rate: null },
    backlog: [],
    csat: { responses: 0, satisfied: 0, score: null, average: null },
    deflection: { sessions: 0, deflected: 0, rate: null },
  };
}

/** The instant the fixtures treat as "now" (ISO). */
export const STORY_NOW = new Date(NOW).toISOString();
