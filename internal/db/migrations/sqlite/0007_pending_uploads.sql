-- Uploads waiting between a preview and its apply step (the plan import).
-- In the database, not in memory, so the apply may reach any process.
CREATE TABLE pending_uploads (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    data BLOB NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX pending_uploads_expires ON pending_uploads (expires_ms);
