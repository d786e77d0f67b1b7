-- Attachment bytes the server keeps itself (inbound mail today): the timeline's attachment metadata
-- names a row by `id`; downloads check the ticket, so an id copied onto another ticket finds nothing.
CREATE TABLE ticket_attachments (
  workspace_id text NOT NULL,
  id           text NOT NULL,
  ticket_id    text NOT NULL,
  name         text NOT NULL,
  content_type text NOT NULL,
  size         integer NOT NULL,
  sha256       text NOT NULL,
  content      bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (workspace_id, ticket_id);
