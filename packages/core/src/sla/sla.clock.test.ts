import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusinessCalendar, BusinessCalendarSchema } from './calendar.schema';
import { applySlaFact, initialSlaState, nextSlaDueAt, replaySla, summarizeClocks } from './sla.clock';
import { type SlaPolicy, type SlaPolicyInput, SlaPolicySchema } from './sla.schema';
import type {
  ClockState,
  SlaEnvironment,
  SlaFact,
  SlaSignal,
  SlaState,
  SlaTicketAttributes,
} from './sla.types';

// ---------------------------------------------------------------------------------------------
// Fixtures. Times are minutes after T0 = Monday 2026-03-02 09:00 Berlin (08:00Z, CET = UTC+1).

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (minutes: number): number => T0 + minutes * MIN;
const minutesOf = (epochMs: number): number => (epochMs - T0) / MIN;

const berlin: BusinessCalendar = BusinessCalendarSchema.parse({
  id: 'berlin',
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
});

const policy = (input: Partial<SlaPolicyInput> & { id: string }): SlaPolicy =>
  SlaPolicySchema.parse({ name: input.id, targets: {}, ...input });

/** The standard 24/7 customer SLA. Warning at 80 %: FR 48, NR 24, PU 96, resolution 384 min. */
const std = policy({
  id: 'std',
  targets: {
    first_response: { minutes: 60 },
    next_response: { minutes: 30 },
    periodic_update: { minutes: 120 },
    resolution: { minutes: 480 },
  },
});

const envOf = (...policies: SlaPolicy[]): SlaEnvironment => ({ policies, calendars: [berlin] });

const ticket = (over: Partial<SlaTicketAttributes> = {}): SlaTicketAttributes => ({
  status: 'new',
  priority: 'normal',
  tier: 1,
  channel: 'widget',
  requesterTags: [],
  ...over,
});

const created = (m: number, over: Partial<SlaTicketAttributes> = {}, byCustomer = true): SlaFact => ({
  type: 'created',
  at: at(m),
  ticket: ticket(over),
  byCustomer,
});
const customer = (m: number): SlaFact => ({ type: 'customer_message', at: at(m) });
const agent = (m: number): SlaFact => ({ type: 'agent_message', at: at(m) });
const status = (m: number, to: SlaTicketAttributes['status']): SlaFact => ({ type: 'status', at: at(m), to });
const tick = (m: number): SlaFact => ({ type: 'tick', at: at(m) });
const change = (m: number, changes: Extract<SlaFact, { type: 'attributes' }>['changes']): SlaFact => ({
  type: 'attributes',
  at: at(m),
  changes,
});

/** Signals as `type clock#run @minute` for readable assertions. */
const show = (signals: readonly SlaSignal[]): string[] =>
  signals.map((s) => `${s.type} ${s.clockId}#${s.run} @${minutesOf(s.at)}`);

const clockOf = (state: SlaState, id: string): ClockState => {
  const clock = state.clocks[id];
  if (!clock) throw new Error(`no clock ${id}`);
  return clock;
};

/** Applies facts one by one, as the ticket machine does, collecting every signal. */
const live = (facts: readonly SlaFact[], env: SlaEnvironment, from: SlaState = initialSlaState()) => {
  let state = from;
  const signals: SlaSignal[] = [];
  for (const fact of facts) {
    const step = applySlaFact(state, fact, env);
    state = step.state;
    signals.push(...step.signals);
  }
  return { state, signals };
};

// ---------------------------------------------------------------------------------------------

describe('starting clocks', () => {
  it('starts resolution and first response for a customer ticket, not periodic update or next response', () => {
    const { state } = replaySla([created(0)], envOf(std));
    expect(Object.keys(state.clocks)).toEqual(['sla:resolution', 'sla:first_response']);
    expect(clockOf(state, 'sla:resolution')).toMatchObject({ status: 'running', run: 1, startedAt: at(0) });
    expect(state.policyIds).toEqual({ sla: 'std' });
    expect(state.awaitingAgent).toBe(true);
  });

  it('starts first response of an agent-created ticket at the first customer message', () => {
    const env = envOf(std);
    const before = replaySla([created(0, {}, false)], env).state;
    expect(Object.keys(before.clocks)).toEqual(['sla:resolution']);
    const after = replaySla([created(0, {}, false), customer(100)], env).state;
    // First response counts from the customer's message at 100, not from creation: due 100 + 60.
    expect(clockOf(after, 'sla:first_response')).toMatchObject({ status: 'running', startedAt: at(100) });
    expect(after.clocks['sla:next_response']).toBeUndefined();
    expect(minutesOf(nextSlaDueAt(after, env) ?? 0)).toBe(148); // FR warning: 100 + 0.8 × 60
  });

  it('meets resolution at once for a ticket logged as already solved', () => {
    const { state, signals } = replaySla([created(0, { status: 'solved' })], envOf(std));
    expect(show(signals)).toEqual(['sla.met sla:resolution#1 @0']);
    expect(clockOf(state, 'sla:first_response').status).toBe('stopped');
    expect(nextSlaDueAt(state, envOf(std))).toBeNull();
  });
});

describe('warnings and breaches', () => {
  it('fires warning and breach exactly once per run however many ticks', () => {
    const ticks = Array.from({ length: 600 }, (_, i) => tick(i + 1));
    const { signals } = live([created(0), ...ticks], envOf(std));
    // FR: warning 0.8 × 60 = 48, breach 60. Resolution: warning 0.8 × 480 = 384, breach 480.
    expect(show(signals)).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.breached sla:first_response#1 @60',
      'sla.warning sla:resolution#1 @384',
      'sla.breached sla:resolution#1 @480',
    ]);
  });

  it('stamps signals with their due instants even when found late', () => {
    // One tick at 500 finds all four crossings and orders them in time.
    const { signals } = replaySla([created(0)], envOf(std), at(500));
    expect(show(signals)).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.breached sla:first_response#1 @60',
      'sla.warning sla:resolution#1 @384',
      'sla.breached sla:resolution#1 @480',
    ]);
    expect(
      signals.every(
        (s) => s.type === 'sla.met' || s.dueAt === at(s.clockId.endsWith('resolution') ? 480 : 60),
      ),
    ).toBe(true);
  });

  it('fires a crossing at a tick exactly on the threshold, not 1 ms before', () => {
    const env = envOf(std);
    const state = replaySla([created(0)], env).state;
    expect(applySlaFact(state, { type: 'tick', at: at(48) - 1 }, env).signals).toEqual([]);
    expect(show(applySlaFact(state, tick(48), env).signals)).toEqual([
      'sla.warning sla:first_response#1 @48',
    ]);
    expect(show(applySlaFact(state, tick(60), env).signals)).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.breached sla:first_response#1 @60',
    ]);
  });

  it('counts a reply exactly at the due instant as in time, 1 ms later as breached', () => {
    const env = envOf(std);
    const onTime = replaySla([created(0), agent(60)], env);
    // Elapsed 60 min = target: the warning (48) fired on the way, no breach.
    expect(show(onTime.signals)).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.met sla:first_response#1 @60',
    ]);
    expect(onTime.signals[1]).toMatchObject({ elapsedMs: 60 * MIN, breached: false });

    const late = replaySla([created(0), { type: 'agent_message', at: at(60) + 1 }], env);
    expect(show(late.signals).slice(0, 2)).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.breached sla:first_response#1 @60',
    ]);
    expect(late.signals[2]).toMatchObject({ type: 'sla.met', elapsedMs: 60 * MIN + 1, breached: true });
  });

  it('measures next response from the oldest unanswered customer message', () => {
    const env = envOf(std);
    // FR met at 10. Customer writes at 20 (NR due 20 + 30 = 50) and again at 40: the deadline stays 50.
    const facts = [created(0), agent(10), customer(20), customer(40)];
    const { state } = replaySla(facts, env);
    expect(clockOf(state, 'sla:next_response')).toMatchObject({ run: 1, startedAt: at(20) });
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(44); // NR warning: 20 + 0.8 × 30
    const { signals } = applySlaFact(state, tick(50), env);
    expect(show(signals)).toEqual([
      'sla.warning sla:next_response#1 @44',
      'sla.breached sla:next_response#1 @50',
    ]);
  });

  it('restarts next response on each customer reply with nextResponseFrom: latest_customer_message', () => {
    const latest = policy({ ...std, nextResponseFrom: 'latest_customer_message' });
    const env = envOf(latest);
    // FR met at 10. Customer writes at 20 (due 50), then at 40: a new run, due 40 + 30 = 70.
    const facts = [created(0), agent(10), customer(20), customer(40)];
    const { state } = replaySla(facts, env);
    expect(clockOf(state, 'sla:next_response')).toMatchObject({
      run: 2,
      startedAt: at(40),
      status: 'running',
    });
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(64); // NR warning: 40 + 0.8 × 30
    expect(applySlaFact(state, tick(50), env).signals).toEqual([]);
    expect(show(applySlaFact(state, tick(70), env).signals)).toEqual([
      'sla.warning sla:next_response#2 @64',
      'sla.breached sla:next_response#2 @70',
    ]);
    // A run that already warned restarts clean; the reply meets the latest run only.
    const { signals } = live([...facts.slice(0, 3), tick(45), customer(46), agent(50)], env);
    expect(show(signals.filter((sig) => sig.clockId === 'sla:next_response'))).toEqual([
      'sla.warning sla:next_response#1 @44',
      'sla.met sla:next_response#2 @50',
    ]);
    // Still no next response while the first response is pending, and it stops when solved.
    expect(replaySla([created(0), customer(5)], env).state.clocks['sla:next_response']).toBeUndefined();
    const solved = replaySla([...facts, status(45, 'solved')], env).state;
    expect(clockOf(solved, 'sla:next_response').status).toBe('stopped');
    // The default keeps counting from the first unanswered message.
    expect(SlaPolicySchema.parse({ id: 'd', name: 'd', targets: {} }).nextResponseFrom).toBeUndefined();
    expect(clockOf(replaySla(facts, envOf(std)).state, 'sla:next_response').startedAt).toBe(at(20));
  });

  it('lets a new next-response run warn again', () => {
    const env = envOf(std);
    // Run 1 from 10 warns at 34, met at 36; run 2 from 50 warns at 74 and breaches at 80.
    const facts = [created(0), agent(5), customer(10), tick(35), agent(36), customer(50), tick(80)];
    const { signals } = live(facts, env);
    expect(show(signals.filter((s) => s.clockId === 'sla:next_response'))).toEqual([
      'sla.warning sla:next_response#1 @34',
      'sla.met sla:next_response#1 @36',
      'sla.warning sla:next_response#2 @74',
      'sla.breached sla:next_response#2 @80',
    ]);
  });

  it('does not start next response while the first response is still pending', () => {
    const { state } = replaySla([created(0), customer(5)], envOf(std));
    expect(state.clocks['sla:next_response']).toBeUndefined();
  });
});

describe('pausing', () => {
  it('keeps pending time out of the elapsed time', () => {
    const env = envOf(std);
    // Resolution runs 0–30 and 90–100 (30 + 10 = 40 min); pending 30–90 does not count.
    const facts = [created(0), agent(5), status(30, 'pending'), status(90, 'open')];
    const [resolution] = summarizeClocks(replaySla(facts, env).state, env, at(100)).filter(
      (c) => c.metric === 'resolution',
    );
    expect(resolution).toMatchObject({ status: 'running', elapsedMs: 40 * MIN });
    // Due when 480 − 40 = 440 more minutes have run: 100 + 440 = 540.
    expect(resolution?.dueAt).toBe(new Date(at(540)).toISOString());
  });

  it('pauses an already breached clock and resumes it breached, without firing again', () => {
    const env = envOf(std);
    const facts = [created(0), tick(70), status(80, 'on_hold'), status(200, 'open'), tick(1000)];
    const { signals } = live(facts, env);
    expect(show(signals.filter((s) => s.clockId === 'sla:first_response'))).toEqual([
      'sla.warning sla:first_response#1 @48',
      'sla.breached sla:first_response#1 @60',
    ]);
  });

  it('runs three kinds of clocks on one ticket, paused independently', () => {
    // Customer SLA pauses on pending and on_hold; the L4 OLA of our own team never pauses; the
    // vendor's contract pauses only while we wait on the customer.
    const cust = policy({ id: 'cust', targets: { resolution: { minutes: 480 } } });
    const ola = policy({
      id: 'ola-l4',
      kind: 'ola',
      conditions: { tiers: [4] },
      targets: { resolution: { minutes: 240 } },
      pauseOn: [],
    });
    const vendor = policy({
      id: 'acme',
      kind: 'vendor',
      conditions: { tiers: [4] },
      targets: { resolution: { minutes: 600 } },
      pauseOn: ['pending'],
    });
    const env = envOf(cust, ola, vendor);
    const facts = [created(0), change(20, { tier: 4 }), status(30, 'on_hold'), status(90, 'pending')];
    const statuses = (state: SlaState) =>
      Object.fromEntries(Object.values(state.clocks).map((c) => [c.id, c.status]));

    // On hold (waiting on the vendor): the customer clock stops counting, ours and the vendor's go on.
    expect(statuses(replaySla(facts.slice(0, 3), env).state)).toEqual({
      'sla:resolution': 'paused',
      'ola:resolution': 'running',
      'vendor:resolution': 'running',
    });
    // Pending (waiting on the customer): only our OLA counts.
    const { state } = replaySla([...facts, status(120, 'open')], env);
    expect(statuses(replaySla(facts, env).state)).toEqual({
      'sla:resolution': 'paused',
      'ola:resolution': 'running',
      'vendor:resolution': 'paused',
    });
    const elapsed = Object.fromEntries(
      summarizeClocks(state, env, at(150)).map((c) => [c.id, c.elapsedMs / MIN]),
    );
    expect(elapsed).toEqual({
      'sla:resolution': 60, // 0–30 + 120–150
      'ola:resolution': 130, // 20–150
      'vendor:resolution': 100, // 20–90 + 120–150
    });
  });
});

describe('policy changes on attribute changes', () => {
  const normal = policy({
    id: 'normal',
    conditions: { priorities: ['low', 'normal'] },
    targets: { resolution: { minutes: 480 } },
  });
  const urgent = policy({
    id: 'urgent',
    conditions: { priorities: ['urgent'] },
    targets: { resolution: { minutes: 60 } },
  });
  const env = envOf(normal, urgent);

  it('moves the customer SLA to the new policy, keeping run and elapsed time', () => {
    const { state, signals } = replaySla([created(0), change(30, { priority: 'urgent' })], env);
    expect(signals).toEqual([]);
    expect(clockOf(state, 'sla:resolution')).toMatchObject({
      policyId: 'urgent',
      run: 1,
      elapsedMs: 30 * MIN,
    });
    // 30 of 60 min used: warning at 30 + (48 − 30) = 48, due at 30 + 30 = 60.
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(48);
  });

  it('fires at once when the new target has already passed', () => {
    const { signals } = replaySla([created(0), change(90, { priority: 'urgent' })], env);
    // 90 min used > 60: the thresholds are reached at the change itself.
    expect(show(signals)).toEqual(['sla.warning sla:resolution#1 @90', 'sla.breached sla:resolution#1 @90']);
  });

  it('hands an OLA on to the next tier: old resolution met, the new tier starts its own clocks', () => {
    const l1 = policy({
      id: 'ola-l1',
      kind: 'ola',
      conditions: { tiers: [1] },
      targets: { first_response: { minutes: 30 }, resolution: { minutes: 60 } },
    });
    const l2 = policy({
      id: 'ola-l2',
      kind: 'ola',
      conditions: { tiers: [2] },
      targets: { first_response: { minutes: 30 }, resolution: { minutes: 120 } },
    });
    const facts = [created(0), agent(10), customer(20), change(30, { tier: 2 })];
    const { state, signals } = replaySla(facts, envOf(std, l1, l2));
    expect(show(signals)).toContain('sla.met ola:resolution#1 @30');
    expect(signals.find((s) => s.type === 'sla.met' && s.clockId === 'ola:resolution')).toMatchObject({
      elapsedMs: 30 * MIN,
      breached: false,
    });
    expect(clockOf(state, 'ola:resolution')).toMatchObject({ policyId: 'ola-l2', run: 2, startedAt: at(30) });
    // The customer has been waiting since 20: L2 owes a first response of its own from 30.
    expect(clockOf(state, 'ola:first_response')).toMatchObject({
      policyId: 'ola-l2',
      run: 2,
      status: 'running',
    });
    // The customer SLA is one promise: untouched.
    expect(clockOf(state, 'sla:resolution')).toMatchObject({ policyId: 'std', run: 1 });
  });

  it('removes the vendor clocks when the ticket leaves L4', () => {
    const vendor = policy({
      id: 'acme',
      kind: 'vendor',
      conditions: { tiers: [4] },
      targets: { resolution: { minutes: 600 } },
    });
    const venv = envOf(std, vendor);
    const { state, signals } = replaySla(
      [created(0), change(10, { tier: 4 }), change(100, { tier: 3 })],
      venv,
    );
    expect(show(signals)).toContain('sla.met vendor:resolution#1 @100'); // the vendor handed it back after 90 min
    expect(Object.keys(state.clocks).some((id) => id.startsWith('vendor:'))).toBe(false);
    expect(state.policyIds.vendor).toBeUndefined();
    const later = applySlaFact(state, tick(5000), venv).signals;
    expect(later.some((s) => s.kind === 'vendor')).toBe(false);
  });
});

describe('solving, reopening, closing', () => {
  it('resumes the same resolution run on reopen, elapsed and flags kept', () => {
    const quick = policy({ id: 'quick', targets: { resolution: { minutes: 120 } } });
    const env = envOf(quick);
    // Runs 0–100 (warned at 96), solved 100–200, reopened at 200: 20 min left, due 220.
    const { state, signals } = replaySla([created(0), status(100, 'solved'), status(200, 'open')], env);
    expect(show(signals)).toEqual(['sla.warning sla:resolution#1 @96', 'sla.met sla:resolution#1 @100']);
    expect(clockOf(state, 'sla:resolution')).toMatchObject({
      status: 'running',
      run: 1,
      elapsedMs: 100 * MIN,
      warned: true,
      metAt: null,
    });
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(220);
  });

  it('starts next response for a customer writing to a solved ticket', () => {
    const env = envOf(std);
    // FR met at 5; the customer writes at 10 and the agent solves at 20 without replying (NR stops).
    // The customer writes again at 30 (the ticket machine reopens it): a fresh NR run, due 60.
    const facts = [
      created(0),
      agent(5),
      customer(10),
      status(20, 'solved'),
      customer(30),
      status(30, 'open'),
    ];
    const { state } = replaySla(facts, env);
    expect(clockOf(state, 'sla:next_response')).toMatchObject({
      status: 'running',
      run: 2,
      startedAt: at(30),
    });
    expect(clockOf(state, 'sla:resolution')).toMatchObject({
      status: 'running',
      run: 1,
      elapsedMs: 20 * MIN,
    });
  });

  it('starts the resolution of an OLA matched while the ticket was solved when it reopens', () => {
    const l1 = policy({
      id: 'ola-l1',
      kind: 'ola',
      conditions: { tiers: [1] },
      targets: { resolution: { minutes: 60 } },
    });
    const l2 = policy({
      id: 'ola-l2',
      kind: 'ola',
      conditions: { tiers: [2] },
      targets: { resolution: { minutes: 90 } },
    });
    const facts = [created(0), status(10, 'solved'), change(20, { tier: 2 }), status(30, 'open')];
    const { state } = replaySla(facts, envOf(l1, l2));
    expect(clockOf(state, 'ola:resolution')).toMatchObject({ policyId: 'ola-l2', run: 2, startedAt: at(30) });
  });

  it('stops everything on close and ignores later messages', () => {
    const env = envOf(std);
    const { state } = replaySla(
      [created(0), agent(5), status(10, 'solved'), status(20, 'closed'), customer(30)],
      env,
    );
    expect(Object.values(state.clocks).map((c) => c.status)).toEqual(['met', 'met', 'stopped']);
    expect(nextSlaDueAt(state, env)).toBeNull();
  });
});

describe('known bugs of other help desks', () => {
  it('next-response still counting after resolution', () => {
    const env = envOf(std);
    // NR starts at 20 (due 50); the ticket is solved at 25.
    const before = replaySla([created(0), agent(10), customer(20)], env).state;
    const solved = applySlaFact(before, status(25, 'solved'), env);
    // Resolution is met (25 min); next response and periodic update stop without a signal.
    expect(show(solved.signals)).toEqual(['sla.met sla:resolution#1 @25']);
    expect(clockOf(solved.state, 'sla:next_response')).toMatchObject({
      status: 'stopped',
      elapsedMs: 5 * MIN,
    });
    expect(clockOf(solved.state, 'sla:periodic_update').status).toBe('stopped');
    expect(nextSlaDueAt(solved.state, env)).toBeNull();
    expect(live([tick(50), tick(1000)], env, solved.state).signals).toEqual([]);
  });

  it('update-time escalating after an agent replied', () => {
    const updates = policy({ id: 'updates', targets: { periodic_update: { minutes: 60 } } });
    const env = envOf(updates);
    // Run 1 from 10: warning 58, due 70. The agent updates at 50: run 1 met (40 min), run 2 from 50.
    const { state, signals } = replaySla([created(0), agent(10), agent(50)], env);
    expect(show(signals)).toEqual(['sla.met sla:periodic_update#1 @50']);
    // The timer armed for the old instants fires nothing.
    expect(live([tick(58), tick(70)], env, state).signals).toEqual([]);
    // Run 2: warning 50 + 48 = 98, due 50 + 60 = 110.
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(98);
    expect(show(live([tick(110)], env, state).signals)).toEqual([
      'sla.warning sla:periodic_update#2 @98',
      'sla.breached sla:periodic_update#2 @110',
    ]);
  });

  it('tickets created already paused with a running clock', () => {
    const env = envOf(std);
    const { state } = replaySla([created(0, { status: 'on_hold' })], env);
    expect(Object.values(state.clocks).map((c) => c.status)).toEqual(['paused', 'paused']);
    expect(nextSlaDueAt(state, env)).toBeNull();
    expect(applySlaFact(state, tick(600), env).signals).toEqual([]);
    // Released at 600: FR warning 600 + 48, breach 600 + 60.
    const released = live([status(600, 'open')], env, state).state;
    expect(minutesOf(nextSlaDueAt(released, env) ?? 0)).toBe(648);
    expect(show(applySlaFact(released, tick(660), env).signals)).toEqual([
      'sla.warning sla:first_response#1 @648',
      'sla.breached sla:first_response#1 @660',
    ]);
  });

  it('pause time lost when the policy changes', () => {
    const generous = policy({ id: 'p', targets: { resolution: { minutes: 240 } } });
    const strict = policy({ id: 'p', targets: { resolution: { minutes: 60 } } });
    // Pending 10–70: 100 min on the wall clock, 10 + 30 = 40 min of SLA time by 100.
    const facts = [created(0), status(10, 'pending'), status(70, 'open')];
    const replayed = replaySla(facts, envOf(strict), at(100));
    // Under the stricter policy 40 of 60 min are used: no breach (a desk counting from creation
    // would say 100 > 60), warning at 100 + (48 − 40) = 108, due at 100 + 20 = 120.
    expect(replayed.signals).toEqual([]);
    const [summary] = summarizeClocks(replayed.state, envOf(strict), at(100));
    expect(summary).toMatchObject({
      elapsedMs: 40 * MIN,
      breached: false,
      dueAt: new Date(at(120)).toISOString(),
    });
    expect(minutesOf(nextSlaDueAt(replayed.state, envOf(strict)) ?? 0)).toBe(108);
    // The previous policy had the same pause: only the target differs.
    expect(
      summarizeClocks(replaySla(facts, envOf(generous)).state, envOf(generous), at(100))[0]?.elapsedMs,
    ).toBe(40 * MIN);

    // Live, a policy switch on a priority change keeps the pause out as well.
    const a = policy({
      id: 'a',
      conditions: { priorities: ['normal'] },
      targets: { resolution: { minutes: 240 } },
    });
    const b = policy({
      id: 'b',
      conditions: { priorities: ['urgent'] },
      targets: { resolution: { minutes: 60 } },
    });
    const switched = replaySla([...facts, change(100, { priority: 'urgent' })], envOf(a, b)).state;
    expect(clockOf(switched, 'sla:resolution')).toMatchObject({ policyId: 'b', elapsedMs: 40 * MIN });
    expect(minutesOf(nextSlaDueAt(switched, envOf(a, b)) ?? 0)).toBe(108);
  });

  it('breaches ignoring business hours', () => {
    const biz = policy({ id: 'biz', calendarId: 'berlin', targets: { resolution: { minutes: 120 } } });
    const env = envOf(biz);
    const friday = Date.parse('2026-03-06T15:00:00Z'); // Fri 16:00 Berlin
    const facts: SlaFact[] = [{ type: 'created', at: friday, ticket: ticket(), byCustomer: true }];
    const { state } = replaySla(facts, env);
    // Warning at 96 business min: Fri 16:00–17:00 (60) + Mon 09:00–09:36 (36) → Mon 09:36 Berlin.
    expect(new Date(nextSlaDueAt(state, env) ?? 0).toISOString()).toBe('2026-03-09T08:36:00.000Z');
    const weekend = [
      '2026-03-06T16:30:00Z',
      '2026-03-07T11:00:00Z',
      '2026-03-08T22:00:00Z',
      '2026-03-09T08:00:00Z',
    ];
    expect(
      live(
        weekend.map((iso) => ({ type: 'tick', at: Date.parse(iso) })),
        env,
        state,
      ).signals,
    ).toEqual([]);
    // Breach at 120 business min: Fri 16:00–17:00 (60) + Mon 09:00–10:00 (60) → Mon 10:00 Berlin.
    const { signals } = applySlaFact(state, { type: 'tick', at: Date.parse('2026-03-09T09:00:00Z') }, env);
    expect(signals.map((s) => [s.type, new Date(s.at).toISOString()])).toEqual([
      ['sla.warning', '2026-03-09T08:36:00.000Z'],
      ['sla.breached', '2026-03-09T09:00:00.000Z'],
    ]);
    expect(signals[1]).toMatchObject({ dueAt: Date.parse('2026-03-09T09:00:00Z') });
  });

  it('breaches ignoring business hours across a DST change', () => {
    const biz = policy({ id: 'biz', calendarId: 'berlin', targets: { resolution: { minutes: 120 } } });
    const env = envOf(biz);
    // Fri 27 March 16:00 CET (15:00Z); clocks go forward on Sunday 29 March.
    const facts: SlaFact[] = [
      { type: 'created', at: Date.parse('2026-03-27T15:00:00Z'), ticket: ticket(), byCustomer: true },
    ];
    const { signals } = replaySla(facts, env, Date.parse('2026-03-30T12:00:00Z'));
    // Fri 16:00–17:00 (60) + Mon 09:00–10:00 CEST (60) → Mon 10:00 CEST = 08:00Z.
    expect(signals.find((s) => s.type === 'sla.breached')?.at).toBe(Date.parse('2026-03-30T08:00:00Z'));
  });

  it('a deactivated policy leaving tickets escalated', () => {
    const facts = [created(0), customer(5)];
    const active = envOf(std);
    expect(replaySla(facts, active, at(1000)).signals.length).toBeGreaterThan(0);

    const deactivated = envOf({ ...std, active: false });
    const replayed = replaySla(facts, deactivated, at(1000));
    expect(replayed.signals).toEqual([]);
    expect(replayed.state.clocks).toEqual({});
    expect(replayed.state.policyIds).toEqual({});
    expect(nextSlaDueAt(replayed.state, deactivated)).toBeNull();
    expect(summarizeClocks(replayed.state, deactivated, at(1000))).toEqual([]);

    // A live state computed under the old policy does not escalate under the new environment either.
    const stale = replaySla(facts, active, at(30)).state;
    expect(nextSlaDueAt(stale, deactivated)).toBeNull();
    const step = applySlaFact(stale, tick(1000), deactivated);
    expect(step.signals).toEqual([]);
    expect(step.state.clocks).toEqual({});
  });
});

describe('a deactivated policy with a fallback', () => {
  // A matches first; B (customer SLA) and O2 (OLA) are what a ticket falls back to once A and O1 go.
  const A = policy({ id: 'A', targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } } });
  const B = policy({
    id: 'B',
    position: 1,
    targets: {
      first_response: { minutes: 60 },
      next_response: { minutes: 30 },
      resolution: { minutes: 600 },
    },
  });
  const O1 = policy({
    id: 'O1',
    kind: 'ola',
    conditions: { tiers: [1] },
    targets: { resolution: { minutes: 90 } },
  });
  const O2 = policy({ id: 'O2', kind: 'ola', position: 1, targets: { resolution: { minutes: 240 } } });
  const before: SlaEnvironment = { policies: [A, B, O1, O2], calendars: [berlin] };
  const after: SlaEnvironment = {
    policies: [{ ...A, active: false }, B, { ...O1, active: false }, O2],
    calendars: [berlin],
  };
  const early = [created(0), agent(10)];
  const later = [
    customer(30),
    tick(45),
    status(50, 'pending'),
    customer(70),
    status(70, 'open'),
    agent(80),
    tick(500),
    tick(700),
  ];

  it('live application under the new environment matches the fallback policy, as replay does', () => {
    const applied = live(later, after, live(early, before).state);
    const replayed = replaySla([...early, ...later], after);
    expect(applied.state.policyIds).toEqual({ sla: 'B', ola: 'O2' });
    expect(applied.state).toEqual(replayed.state);
    // What was signalled after the change is what the replay signals after it too.
    const since = (signals: readonly SlaSignal[]) => show(signals.filter((sig) => sig.at >= at(30)));
    expect(since(applied.signals)).toEqual(since(replayed.signals));
    // Pending 50–70 is out of every clock: NR (30 min from 30) warns at 74; resolution under B's
    // 600 min warns at 500 and breaches at 620; O2's 240 min at 212 and 260.
    expect(since(applied.signals)).toEqual([
      'sla.warning sla:next_response#1 @74',
      'sla.met sla:next_response#1 @80',
      'sla.warning ola:resolution#1 @212',
      'sla.breached ola:resolution#1 @260',
      'sla.warning sla:resolution#1 @500',
      'sla.breached sla:resolution#1 @620',
    ]);
    expect(summarizeClocks(applied.state, after, at(800))).toEqual(
      summarizeClocks(replayed.state, after, at(800)),
    );
  });

  it('a state computed under the old policy already has its next due instant under the fallback', () => {
    const stale = live(early, before).state;
    const replayed = replaySla(early, after).state;
    expect(nextSlaDueAt(stale, after)).toBe(nextSlaDueAt(replayed, after));
    expect(minutesOf(nextSlaDueAt(stale, after) ?? 0)).toBe(192); // OLA O2 warning: 0.8 × 240
  });
});

describe('summaries and timers', () => {
  it('summarizes as of now without changing the state', () => {
    const env = envOf(std);
    const state = replaySla([created(0), agent(10), status(20, 'pending')], env).state;
    const frozen = structuredClone(state);
    const summaries = summarizeClocks(state, env, at(50));
    expect(state).toEqual(frozen);
    expect(summaries.map((c) => [c.id, c.status, c.elapsedMs / MIN])).toEqual([
      ['sla:first_response', 'met', 10],
      ['sla:periodic_update', 'paused', 10], // 10–20
      ['sla:resolution', 'paused', 20], // 0–20
    ]);
    expect(summaries[2]).toMatchObject({
      asOf: new Date(at(50)).toISOString(),
      startedAt: new Date(at(0)).toISOString(),
      pausedSince: new Date(at(20)).toISOString(),
      warningAt: null,
      dueAt: null,
    });
    expect(summaries[0]).toMatchObject({
      metAt: new Date(at(10)).toISOString(),
      asOf: new Date(at(10)).toISOString(),
    });
  });

  it('reports warning and due instants of running clocks and the flags as of now', () => {
    const env = envOf(std);
    const state = replaySla([created(0)], env).state;
    const [resolution, first] = summarizeClocks(state, env, at(50)).sort((a, b) => b.id.localeCompare(a.id));
    expect(first).toMatchObject({
      metric: 'first_response',
      elapsedMs: 50 * MIN,
      warningAt: new Date(at(48)).toISOString(),
      dueAt: new Date(at(60)).toISOString(),
      warned: true,
      breached: false,
    });
    expect(resolution).toMatchObject({
      metric: 'resolution',
      dueAt: new Date(at(480)).toISOString(),
      warned: false,
    });
  });

  it('returns null from nextSlaDueAt when nothing can fire, else the earliest threshold', () => {
    const env = envOf(std);
    expect(nextSlaDueAt(initialSlaState(), env)).toBeNull();
    const state = replaySla([created(0)], env, at(100)).state; // FR warned and breached; resolution not yet
    expect(minutesOf(nextSlaDueAt(state, env) ?? 0)).toBe(384);
  });

  it('reads a fact earlier than the last one as happening at the last instant', () => {
    const env = envOf(std);
    const state = replaySla([created(0), tick(30)], env).state;
    const { state: next } = applySlaFact(state, agent(10), env);
    expect(next.asOf).toBe(at(30));
    expect(clockOf(next, 'sla:first_response')).toMatchObject({ status: 'met', elapsedMs: 30 * MIN });
  });
});

// ---------------------------------------------------------------------------------------------
// Live application equals replay.

const propertyEnv = envOf(
  policy({
    id: 'sla-normal',
    conditions: { priorities: ['low', 'normal'] },
    targets: {
      first_response: { minutes: 60 },
      next_response: { minutes: 30 },
      periodic_update: { minutes: 120 },
      resolution: { minutes: 480 },
    },
  }),
  policy({
    id: 'sla-urgent',
    position: 1,
    calendarId: 'berlin',
    conditions: { priorities: ['high', 'urgent'] },
    targets: {
      first_response: { minutes: 20 },
      next_response: { minutes: 15 },
      resolution: { minutes: 120 },
    },
    pauseOn: ['pending'],
    warningFraction: 0.5,
    nextResponseFrom: 'latest_customer_message',
  }),
  policy({
    id: 'ola-l1',
    kind: 'ola',
    calendarId: 'berlin',
    conditions: { tiers: [1] },
    targets: { resolution: { minutes: 90 } },
  }),
  policy({
    id: 'ola-l2',
    kind: 'ola',
    conditions: { tiers: [2, 3] },
    targets: { first_response: { minutes: 45 }, resolution: { minutes: 240 } },
    pauseOn: [],
  }),
  policy({
    id: 'vendor',
    kind: 'vendor',
    conditions: { tiers: [4] },
    targets: {
      first_response: { minutes: 60 },
      periodic_update: { minutes: 90 },
      resolution: { minutes: 600 },
    },
    pauseOn: ['pending'],
  }),
);

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const TIERS = [0, 1, 2, 3, 4] as const;

type FactDraft =
  | { type: 'customer_message' | 'agent_message' | 'tick' }
  | { type: 'status'; to: (typeof STATUSES)[number] }
  | {
      type: 'attributes';
      changes: { priority?: (typeof PRIORITIES)[number]; tier?: (typeof TIERS)[number] };
    };

const factDraft: fc.Arbitrary<FactDraft> = fc.oneof(
  fc.constantFrom<FactDraft>({ type: 'customer_message' }, { type: 'agent_message' }, { type: 'tick' }),
  fc.record({ type: fc.constant('status' as const), to: fc.constantFrom(...STATUSES) }),
  fc.record({
    type: fc.constant('attributes' as const),
    changes: fc.record(
      { priority: fc.constantFrom(...PRIORITIES), tier: fc.constantFrom(...TIERS) },
      { requiredKeys: [] },
    ),
  }),
);

/** A ticket's facts: created, then steps apart by 0–600 min (0 makes facts share an instant). */
const factSequence: fc.Arbitrary<SlaFact[]> = fc
  .record({
    start: fc.integer({ min: 0, max: 7 * 24 * 60 }),
    status: fc.constantFrom(...STATUSES),
    priority: fc.constantFrom(...PRIORITIES),
    tier: fc.constantFrom(...TIERS),
    byCustomer: fc.boolean(),
    steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 600 }), factDraft), { maxLength: 25 }),
  })
  .map(({ start, status: s, priority, tier, byCustomer, steps }) => {
    let t = start;
    const facts: SlaFact[] = [created(t, { status: s, priority, tier }, byCustomer)];
    for (const [gap, draft] of steps) {
      t += gap;
      facts.push({ ...draft, at: at(t) } as SlaFact);
    }
    return facts;
  });

describe('live application equals replay', () => {
  it('applying facts one by one gives the state and signals of replaySla', () => {
    fc.assert(
      fc.property(factSequence, (facts) => {
        const replayed = replaySla(facts, propertyEnv);
        const applied = live(facts, propertyEnv);
        expect(applied.state).toEqual(replayed.state);
        expect(applied.signals).toEqual(replayed.signals);
      }),
      { numRuns: 300 },
    );
  });

  it('timer ticks at nextSlaDueAt in between change nothing but when signals are found', () => {
    fc.assert(
      fc.property(factSequence, fc.integer({ min: 0, max: 3000 }), (facts, tail) => {
        const end = (facts[facts.length - 1]?.at ?? T0) + tail * MIN;
        // Live: a durable timer wakes at every due instant strictly before the next fact.
        let state = initialSlaState();
        const signals: SlaSignal[] = [];
        const wakeUntil = (limit: number) => {
          for (let due = nextSlaDueAt(state, propertyEnv); due !== null && due < limit; ) {
            const step = applySlaFact(state, { type: 'tick', at: due }, propertyEnv);
            // Each wake-up fires something, so the timer cannot spin.
            expect(step.signals.length).toBeGreaterThan(0);
            state = step.state;
            signals.push(...step.signals);
            due = nextSlaDueAt(state, propertyEnv);
          }
        };
        for (const fact of facts) {
          wakeUntil(fact.at);
          const step = applySlaFact(state, fact, propertyEnv);
          state = step.state;
          signals.push(...step.signals);
        }
        wakeUntil(end);
        const last = applySlaFact(state, { type: 'tick', at: end }, propertyEnv);
        signals.push(...last.signals);

        const replayed = replaySla(facts, propertyEnv, end);
        expect(last.state).toEqual(replayed.state);
        expect(signals).toEqual(replayed.signals);
      }),
      { numRuns: 300 },
    );
  });
});
