-- Ticket numbers come from a sequence per workspace instead of UPDATE workspaces SET next_ticket_number:
-- that row lock was held to the end of every creating transaction, so a workspace opened one ticket at
-- a time (measured: ~110 creations/s on PostgreSQL with 50 clients, 2 % of the raw insert ceiling; see
-- BENCHMARKS.md). nextval() takes no lock that lasts, so creations run in parallel. The price: a creation
-- that fails after taking its number leaves a gap (numbers stay unique, increasing and never reused),
-- which is what PostgreSQL's own sequences, Jira and Zendesk accept too.
--
-- next_ticket_number stays the number a workspace's sequence starts at when the row is inserted.

-- The sequence of a workspace: a lower-case identifier of fixed length for any workspace id.
CREATE FUNCTION tierdesk_ticket_number_sequence(workspace_id text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT 'td_ticket_numbers_' || md5(workspace_id) $$;

-- Inserting a workspace (re)creates its sequence; deleting one drops it. Re-creating matters when a
-- workspace id comes back after TRUNCATE (which fires no DELETE trigger): it starts afresh, as its rows do.
CREATE FUNCTION workspaces_ticket_number_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('DROP SEQUENCE IF EXISTS %I', tierdesk_ticket_number_sequence(NEW.id));
    EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 0 START WITH %s',
                   tierdesk_ticket_number_sequence(NEW.id), NEW.next_ticket_number);
    RETURN NEW;
  END IF;
  EXECUTE format('DROP SEQUENCE IF EXISTS %I', tierdesk_ticket_number_sequence(OLD.id));
  RETURN OLD;
END
$$;

CREATE TRIGGER workspaces_ticket_number_sequence AFTER INSERT OR DELETE ON workspaces
  FOR EACH ROW EXECUTE FUNCTION workspaces_ticket_number_sequence();

-- Workspaces that exist already continue where their counter is.
DO $$
DECLARE
  w record;
BEGIN
  FOR w IN SELECT id, next_ticket_number FROM workspaces LOOP
    EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 0 START WITH %s',
                   tierdesk_ticket_number_sequence(w.id), w.next_ticket_number);
  END LOOP;
END
$$;
