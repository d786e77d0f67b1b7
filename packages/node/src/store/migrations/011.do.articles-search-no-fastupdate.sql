-- Article search reads the GIN index far more often than articles are written. With GIN's default
-- fastupdate, new entries wait in a pending list until VACUUM merges them, and the planner prices that
-- list into every search: after a bulk import (1 000s of articles, nothing vacuumed yet) it chose a
-- sequential scan over all articles, 41 ms instead of 0.5 ms at 10 000 articles (BENCHMARKS.md, growth).
-- Without fastupdate each article write updates the index itself (a few ms more per write, rare) and
-- search cost follows the matches, not the table.
ALTER INDEX articles_search SET (fastupdate = off);
-- Entries already pending are merged now rather than at the next VACUUM.
SELECT gin_clean_pending_list('articles_search'::regclass);
