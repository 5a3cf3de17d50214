-- Covering indexes for the work module's hot reads (internal/work).
-- SQLite does not treat the partial index tasks_board as covering for its
-- own deleted_ms condition, so counting a large project's live tasks per
-- status, or paging its list by number, would read every table row. With
-- deleted_ms and customer_visible in the key, the per-status counts of the
-- board (and a customer's) and the id page of the task list come from the
-- index alone.
CREATE INDEX tasks_live_status ON tasks (project_id, deleted_ms, status, customer_visible);
CREATE INDEX tasks_live_number ON tasks (project_id, deleted_ms, number, customer_visible);
