-- Change control (变更控制委员会, CCB) and the Requirements Confirmation
-- baselines (需求确认书). Owned by internal/change.
--
-- ccb_boards/ccb_members: the board of a project (members of both sides,
-- a chair, a decision rule and a quorum). change_signers: the people a
-- project names, besides its customer PMs, to sign baselines.
-- change_requests: CR-001… with impact analysis; board_json is the board
-- as it stood when the request was opened, so later board edits never
-- change who may vote on it. cr_items: requirements and functions added,
-- changed or removed, with the proposed values (JSON). cr_tasks: the plan
-- tasks the change delays (schedule impact). cr_votes: one vote per member
-- per request (the unique key counts concurrent votes once).
-- req_baselines: V1.0, V1.1… with the canonical content and its SHA-256;
-- req_baseline_signers: who must sign, and when, from where and over which
-- hash they did. change_log: the project's change archive.

CREATE TABLE ccb_boards (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id),
    rule TEXT NOT NULL CHECK (rule IN ('unanimous','majority','chair')),
    quorum INTEGER NOT NULL,
    chair_id INTEGER REFERENCES users(id),
    updated_by INTEGER REFERENCES users(id),
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE ccb_members (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE change_signers (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'customer',
    requested_by INTEGER REFERENCES users(id),
    urgency TEXT NOT NULL DEFAULT 'normal',
    standard INTEGER NOT NULL DEFAULT 0,
    effort_tenths INTEGER NOT NULL DEFAULT 0,
    schedule_days INTEGER NOT NULL DEFAULT 0,
    end_before_date TEXT NOT NULL DEFAULT '',
    end_after_date TEXT NOT NULL DEFAULT '',
    cost_minor INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open',
    board_json TEXT NOT NULL DEFAULT '{}',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES users(id),
    decided_ms INTEGER,
    baseline_id INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX change_requests_number ON change_requests (project_id, number);

CREATE TABLE cr_items (
    id INTEGER PRIMARY KEY,
    cr_id INTEGER NOT NULL REFERENCES change_requests(id),
    seq INTEGER NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('requirement','function')),
    op TEXT NOT NULL CHECK (op IN ('add','change','remove')),
    target_id INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    payload_json TEXT NOT NULL DEFAULT '{}',
    prev_status TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cr_items_cr ON cr_items (cr_id);

CREATE TABLE cr_tasks (
    cr_id INTEGER NOT NULL REFERENCES change_requests(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (cr_id, task_id)
);

CREATE TABLE cr_votes (
    id INTEGER PRIMARY KEY,
    cr_id INTEGER NOT NULL REFERENCES change_requests(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    vote TEXT NOT NULL CHECK (vote IN ('approve','reject','defer')),
    comment TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX cr_votes_once ON cr_votes (cr_id, user_id);

CREATE TABLE req_baselines (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    content_json TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    effort_tenths INTEGER NOT NULL DEFAULT 0,
    cr_id INTEGER REFERENCES change_requests(id),
    status TEXT NOT NULL DEFAULT 'draft',
    signed_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX req_baselines_version ON req_baselines (project_id, major, minor);

CREATE TABLE req_baseline_signers (
    baseline_id INTEGER NOT NULL REFERENCES req_baselines(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    signed_ms INTEGER,
    signed_ip TEXT NOT NULL DEFAULT '',
    signed_sha256 TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (baseline_id, user_id)
);

CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    cr_id INTEGER REFERENCES change_requests(id),
    baseline_id INTEGER REFERENCES req_baselines(id),
    event TEXT NOT NULL,
    summary TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL
);
CREATE INDEX change_log_project ON change_log (project_id, created_ms);
