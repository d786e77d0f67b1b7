-- Inbound mail (packages/node/src/email/inbound.ts): the Message-IDs already stored, written in the
-- same transaction as the message they produced, so a mail posted twice (provider retries) lands once.
CREATE TABLE email_inbound_messages (
  workspace_id text NOT NULL,
  message_id   text NOT NULL,
  ticket_id    text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, message_id)
);
