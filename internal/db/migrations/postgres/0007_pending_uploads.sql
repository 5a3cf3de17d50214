-- Uploads waiting between a preview and its apply step (the plan import).
-- In the database, not in memory, so the apply may reach any process.
CREATE TABLE pending_uploads (
    token TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    data BYTEA NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX pending_uploads_expires ON pending_uploads (expires_ms);
