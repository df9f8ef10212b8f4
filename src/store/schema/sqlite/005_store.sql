-- 005_store.sql — store internals (branch store): indexes for the violation
-- lists now that each filter shape has its own statement, and for pruning
-- idempotency keys past their retention.
--  * violations_region_time: an officer's list of the region, newest first
--    (region alone; region with state keeps violations_region).
--  * violations_created: the unfiltered list, newest first, read in index
--    order and stopped at the page (no sort of the whole table).
--  * idempotency_created: qn_store_idem_prune deletes by age.
CREATE INDEX violations_region_time ON violations (region, created_at DESC, id DESC);
CREATE INDEX violations_created ON violations (created_at DESC, id DESC);
CREATE INDEX idempotency_created ON idempotency (created_at);
