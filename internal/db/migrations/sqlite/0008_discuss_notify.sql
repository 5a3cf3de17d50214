-- Platform services shared by every module: comments and attachments on
-- any object a module names by (kind, object_id), and the notifications
-- centre with its mail outbox. project_id is denormalised onto each row so
-- the trash and mention checks never need the owning module's tables.

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    internal INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    edited_ms INTEGER,
    deleted_ms INTEGER,
    deleted_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX comments_object ON comments (kind, object_id, id);
CREATE INDEX comments_deleted ON comments (deleted_by) WHERE deleted_ms IS NOT NULL;

-- File contents, one row per distinct SHA-256: the same file attached
-- twice is stored once. In the database, so every process can serve it.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    uploader_id INTEGER NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    internal INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    deleted_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX attachments_object ON attachments (kind, object_id, id);
CREATE INDEX attachments_deleted ON attachments (deleted_by) WHERE deleted_ms IS NOT NULL;

-- One row per recipient. The text is a catalog key and its parameters, so
-- it renders in the reader's language at the time of reading.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER REFERENCES projects(id),
    actor_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '[]',
    link TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    read_ms INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The header badge counts from this index alone.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_ms IS NULL;

CREATE TABLE notify_prefs (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    email INTEGER NOT NULL DEFAULT 0,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Mails are written in the notification's transaction and sent after
-- commit by a sender loop; a process claims a row before sending it.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER REFERENCES notifications(id),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    next_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_ms INTEGER,
    sent_ms INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_ms) WHERE sent_ms IS NULL;
