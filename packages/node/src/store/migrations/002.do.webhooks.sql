-- Webhooks: configured endpoints, the messages fanned out from the outbox, and one delivery per
-- (endpoint, message) with its retry state. Plain SQL accepted by PostgreSQL 15+ and PGlite.

-- Endpoints come from the server options and are upserted at start (syncWebhookEndpoints). The row
-- keeps what configuration cannot: that a receiver answered 410 Gone (disabled until its URL or secret
-- changes) and that an endpoint left the configuration (removed_at), so delivery history survives.
CREATE TABLE webhook_endpoints (
  workspace_id    text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id              text NOT NULL,
  url             text NOT NULL,
  -- whsec_<base64>: needed in clear to sign; it is the host's own configuration, stored beside its data.
  secret          text NOT NULL,
  -- Event types to receive; NULL receives every type.
  events          text[],
  disabled_at     timestamptz,
  disabled_reason text,
  removed_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

-- One row per event (the Standard Webhooks message). body is the exact JSON sent on every attempt, so
-- retries carry identical bytes; id is the event id and the webhook-id header receivers dedupe on.
CREATE TABLE webhook_messages (
  workspace_id text NOT NULL,
  id           text NOT NULL,
  type         text NOT NULL,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

-- One row per message and endpoint. A dispatcher claims due rows with FOR UPDATE SKIP LOCKED and sets
-- lease_until (database time, shared by all instances) before sending, so no other instance takes the
-- same attempt; an instance that dies mid-attempt loses the lease and the row becomes due again.
CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  workspace_id    text NOT NULL,
  endpoint_id     text NOT NULL,
  message_id      text NOT NULL,
  -- Attempts started so far (counted when claimed).
  attempts        integer NOT NULL DEFAULT 0,
  -- When the next attempt is due, on the server's clock.
  next_attempt_at timestamptz NOT NULL,
  lease_token     text,
  lease_until     timestamptz,
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, endpoint_id, message_id),
  FOREIGN KEY (workspace_id, endpoint_id) REFERENCES webhook_endpoints (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, message_id) REFERENCES webhook_messages (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (workspace_id, endpoint_id, created_at DESC);
CREATE INDEX webhook_deliveries_by_message ON webhook_deliveries (workspace_id, message_id);

-- The fan-out reads pending webhook rows of the outbox; the index of 001 is by available_at only.
CREATE INDEX outbox_pending_by_topic ON outbox (topic, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
