// The headless core on its own, in the terminal (`node examples/demo/src/core-walkthrough.mjs` after
// `npm run build`): plays one ticket through the real @tierdesk/core build — business calendar, SLA
// clocks, a warning, an automatic escalation, replies, solve, CSAT — and prints the timeline, the
// clocks' explanations and the metrics. No server: everything below is pure functions and machines.
import { computeClocks, computeMetrics, explainClock } from '@tierdesk/core';
import { sendTicketEvent, startTicket, ticketMachine, toTicket } from '@tierdesk/core/machines';

const berlin = {
  id: 'berlin',
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2026-12-25'],
};
const policy = {
  id: 'sla-standard',
  name: 'Standard (business hours)',
  kind: 'sla',
  active: true,
  position: 0,
  conditions: {},
  targets: { first_response: { minutes: 120 }, resolution: { minutes: 16 * 60 } },
  calendarId: 'berlin',
  warningFraction: 0.8,
  pauseOn: ['pending', 'on_hold'],
};
const rule = {
  id: 'warn-to-l2',
  name: 'First-response warning goes to L2',
  active: true,
  trigger: { on: 'sla.warning', metrics: ['first_response'] },
  to: 'next',
  reason: 'first response at risk',
};

const fmt = (ms) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
const env = { policies: [policy], calendars: [berlin] };

// Friday 16:00 Berlin: one business hour left today.
const createdAt = '2026-11-27T15:00:00.000Z';
let step = startTicket(ticketMachine, {
  id: 't_demo',
  workspaceId: 'w_demo',
  subject: 'Invoices export is empty',
  body: 'Since this morning the CSV export has no rows.',
  requester: { id: 'u_ada', name: 'Ada', tags: [] },
  createdAt,
  sla: env,
  escalationRules: [rule],
});
const timeline = [...step.events];
const send = (event) => {
  step = sendTicketEvent(ticketMachine, JSON.parse(JSON.stringify(step.snapshot)), event);
  timeline.push(...step.events);
  if (!step.accepted) console.log(`  (refused: ${event.type})`);
};

console.log(`Ticket opened ${fmt(Date.parse(createdAt))} (Berlin). Next SLA timer: ${fmt(step.timers.sla)}`);
// The durable timer fires at the warning instant: Monday 10:36 (1 h Friday + 36 min Monday = 96 min = 80 % of 120).
send({ type: 'SLA.TICK', at: new Date(step.timers.sla).toISOString(), actor: { type: 'system' } });
console.log(`Warning fired; the rule moved the ticket to tier ${step.context.ticket.tier}.`);
send({
  type: 'MESSAGE.AGENT',
  messageId: 'm1',
  body: 'An L2 specialist is on it.',
  at: '2026-11-30T08:50:00.000Z',
  actor: { type: 'agent', id: 'a_l2' },
});
send({
  type: 'STATUS.SET',
  to: 'pending',
  at: '2026-11-30T08:51:00.000Z',
  actor: { type: 'agent', id: 'a_l2' },
});
send({
  type: 'MESSAGE.CUSTOMER',
  messageId: 'm2',
  body: 'Works again, thanks!',
  at: '2026-11-30T13:00:00.000Z',
  actor: { type: 'customer', id: 'u_ada' },
});
send({
  type: 'STATUS.SET',
  to: 'solved',
  at: '2026-11-30T13:05:00.000Z',
  actor: { type: 'agent', id: 'a_l2' },
});
send({
  type: 'CSAT.SUBMIT',
  score: 5,
  comment: 'Fast and clear',
  at: '2026-11-30T13:10:00.000Z',
  actor: { type: 'customer', id: 'u_ada' },
});

console.log('\nTimeline:');
for (const e of timeline) {
  const detail =
    e.type === 'tier.changed'
      ? `L${e.from} → L${e.to} (${e.reason}${e.ruleId ? `, rule ${e.ruleId}` : ''})`
      : e.type === 'status.changed'
        ? `${e.from} → ${e.to}`
        : e.type.startsWith('sla.')
          ? `${e.metric}${e.type === 'sla.met' ? ` in ${Math.round(e.elapsedMs / 60000)} business min` : ''}`
          : e.type === 'message.public'
            ? `${e.role}: ${e.body}`
            : e.type === 'csat.submitted'
              ? `${e.csat.score}/5`
              : '';
  console.log(`  #${String(e.seq).padStart(2)} ${fmt(Date.parse(e.at))}  ${e.type.padEnd(15)} ${detail}`);
}

const now = Date.parse('2026-11-30T13:10:00.000Z');
const ticket = toTicket(step.context, { number: 1, version: timeline.length, now });
console.log('\nClocks:');
for (const c of ticket.sla) {
  const x = explainClock(c, env, now);
  const text =
    x.state === 'met'
      ? `met at ${fmt(x.at)} after ${Math.round(x.elapsedMs / 60000)} business min${x.breached ? ' (late)' : ''}`
      : JSON.stringify(x);
  console.log(`  ${c.id.padEnd(20)} ${text}`);
}

// What-if: the same timeline under a 60-minute first-response target.
const stricter = {
  ...env,
  policies: [{ ...policy, targets: { ...policy.targets, first_response: { minutes: 60 } } }],
};
const whatIf = computeClocks(timeline, stricter, now).find((c) => c.id === 'sla:first_response');
console.log(`\nWhat-if (60 min first response): breached=${whatIf?.breached}`);

const report = computeMetrics({
  tickets: [{ ticketId: 't_demo', events: timeline }],
  from: '2026-11-01T00:00:00Z',
  to: '2026-12-01T00:00:00Z',
});
console.log(
  '\nMetrics:',
  JSON.stringify(
    {
      firstResponse: report.firstResponse,
      escalations: report.escalations.filter((r) => r.count),
      csat: report.csat,
    },
    null,
    1,
  ),
);
