-- Working calendars become editable (internal/workcal): a day set by an
-- administrator (instance-wide, project_id NULL) or a project's PM carries
-- a version (a stale edit is a conflict), who last changed it, and a soft
-- delete, which is "reset to the default" and keeps the row for the audit.
-- Re-setting a reset day revives its row, so the unique key still holds.
ALTER TABLE calendar_days ADD COLUMN updated_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calendar_days ADD COLUMN updated_by BIGINT REFERENCES users(id);
ALTER TABLE calendar_days ADD COLUMN deleted_ms BIGINT;
ALTER TABLE calendar_days ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
