-- Articles keep their body as a safe markdown node tree too, parsed once when written (never on read).
ALTER TABLE articles ADD COLUMN body_nodes jsonb;
