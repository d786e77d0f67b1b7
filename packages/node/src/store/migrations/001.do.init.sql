-- Tierdesk schema v1. Plain SQL accepted by PostgreSQL 15+ and PGlite (PostgreSQL 18).
-- Identifiers are server-generated, unguessable text ids; every row carries its workspace.

CREATE TABLE workspaces (
  id                 text PRIMARY KEY,
  name               text NOT NULL,
  settings           jsonb NOT NULL DEFAULT '{}'::jsonb,
  next_ticket_number bigint NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id           text NOT NULL,
  data         jsonb NOT NULL,
  active       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  agent_id     text NOT NULL,
  -- SHA-256 of the key; the key itself is shown once and never stored.
  key_hash     text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE TABLE tickets (
  id           text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  number       bigint NOT NULL,
  requester_id text NOT NULL,
  status       text NOT NULL,
  tier         smallint NOT NULL,
  priority     text NOT NULL,
  assignee_id  text,
  -- Worst SLA state over the ticket's clocks, for queue filters: none | running | paused | warning | breached.
  sla_state    text NOT NULL DEFAULT 'none',
  -- The ticket projection (API shape) and the persisted machine snapshot.
  data         jsonb NOT NULL,
  snapshot     jsonb NOT NULL,
  version      integer NOT NULL,
  -- Opt-in diagnostics the widget attached (app version, page, browser, recent errors); agents only.
  diagnostics  jsonb,
  -- The widget session the ticket came from, linking it to the self-service steps before it.
  session_id   text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  UNIQUE (workspace_id, number)
);
-- Keyset pagination: (created_at, id) for a requester's list, (updated_at, id) for the queue.
CREATE INDEX tickets_by_requester ON tickets (workspace_id, requester_id, created_at DESC, id DESC);
CREATE INDEX tickets_queue ON tickets (workspace_id, status, tier, updated_at DESC, id DESC);
CREATE INDEX tickets_by_assignee ON tickets (workspace_id, assignee_id, updated_at DESC, id DESC);

-- The append-only audit trail. stream_id orders events globally for SSE resume (Last-Event-ID).
CREATE TABLE ticket_events (
  ticket_id    text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  workspace_id text NOT NULL,
  requester_id text NOT NULL,
  type         text NOT NULL,
  at           timestamptz NOT NULL,
  internal     boolean NOT NULL,
  event        jsonb NOT NULL,
  stream_id    bigserial NOT NULL,
  PRIMARY KEY (ticket_id, seq)
);
CREATE INDEX ticket_events_stream ON ticket_events (workspace_id, stream_id);
CREATE INDEX ticket_events_by_requester ON ticket_events (workspace_id, requester_id, stream_id);

-- Durable timers: the scheduler sleeps until min(due_at) and claims due rows with SKIP LOCKED.
CREATE TABLE timers (
  ticket_id    text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  key          text NOT NULL,
  workspace_id text NOT NULL,
  due_at       timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, key)
);
CREATE INDEX timers_due ON timers (due_at);

-- Side effects written in the same transaction as the change (webhooks, notifications).
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  topic        text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  available_at timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  delivered_at timestamptz,
  failed_at    timestamptz
);
CREATE INDEX outbox_pending ON outbox (available_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Idempotency-Key replays: same key and body → the first response for 24 h; another body → 422.
CREATE TABLE idempotency_keys (
  workspace_id text NOT NULL,
  identity     text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, identity, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

CREATE TABLE articles (
  id                text PRIMARY KEY,
  workspace_id      text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  title             text NOT NULL,
  body              text NOT NULL,
  tags              text[] NOT NULL DEFAULT '{}',
  locale            text NOT NULL,
  published         boolean NOT NULL DEFAULT false,
  helpful_count     integer NOT NULL DEFAULT 0,
  not_helpful_count integer NOT NULL DEFAULT 0,
  views             integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  -- Title weighs more than body; English articles are stemmed, others matched word for word.
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(CASE WHEN locale LIKE 'en%' THEN 'english'::regconfig ELSE 'simple'::regconfig END, title), 'A') ||
    setweight(to_tsvector(CASE WHEN locale LIKE 'en%' THEN 'english'::regconfig ELSE 'simple'::regconfig END, body), 'B')
  ) STORED
);
CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX articles_by_workspace ON articles (workspace_id, updated_at DESC, id DESC);

CREATE TABLE deflection_events (
  id           bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  session_id   text NOT NULL,
  type         text NOT NULL,
  at           timestamptz NOT NULL,
  event        jsonb NOT NULL
);
CREATE INDEX deflection_events_at ON deflection_events (workspace_id, at);

-- Policies as data: SLA policies, calendars, escalation and routing rules.
CREATE TABLE policies (
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind         text NOT NULL,
  id           text NOT NULL,
  data         jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, kind, id)
);
