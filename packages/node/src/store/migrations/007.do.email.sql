-- The email channel (packages/node/src/email). Plain SQL accepted by PostgreSQL 15+ and PGlite.

-- One row per reply address handed out. The address carries only token_id and an HMAC over
-- (token_id, workspace, ticket, requester) — see reply-token.ts for why the ids are not encoded in it.
-- A leaked table cannot forge addresses (the HMAC needs the server secret), and an edited row no longer
-- verifies against the tokens already sent.
CREATE TABLE email_threads (
  token_id     text PRIMARY KEY,
  workspace_id text NOT NULL,
  ticket_id    text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  requester_id text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_threads_by_ticket ON email_threads (ticket_id);

-- One row per notification mail, written with the outbox row in the ticket change's transaction.
-- Message-ID is <notif-<id>@replyDomain>; seq orders a ticket's mails for In-Reply-To / References.
CREATE TABLE email_notifications (
  id           text PRIMARY KEY,
  seq          bigserial NOT NULL,
  workspace_id text NOT NULL,
  ticket_id    text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  kind         text NOT NULL,
  sent_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_notifications_by_ticket ON email_notifications (ticket_id, seq);

-- Requesters who asked for no notification mail (per workspace). A row means "opted out".
CREATE TABLE email_opt_outs (
  workspace_id text NOT NULL,
  requester_id text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, requester_id)
);

-- The email consumer claims pending rows of its topic; outbox_pending_by_topic (002) already serves it.
