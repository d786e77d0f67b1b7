-- The agent queue's default order is (updated_at, id) within a workspace, filtered or not: without
-- this index an unfiltered page sorts every ticket of the workspace.
CREATE INDEX tickets_recent ON tickets (workspace_id, updated_at DESC, id DESC);
