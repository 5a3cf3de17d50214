-- Methodology: templates (data, never code), the working calendar, phases
-- with gates, milestones, deliverables, the charter, stakeholders with A/B
-- roles, and the RACI matrix. Owned by internal/methodology.

CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);

-- project_id NULL: the instance-wide calendar (public holidays, 调休 days).
CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY,
    project_id INTEGER REFERENCES projects(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendar_days_key ON calendar_days (COALESCE(project_id, 0), day);

CREATE TABLE phases (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    seq INTEGER NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    gate_checklist TEXT NOT NULL DEFAULT '[]',
    gate_decision TEXT NOT NULL DEFAULT '',
    gate_comment TEXT NOT NULL DEFAULT '',
    gate_decided_by INTEGER REFERENCES users(id),
    gate_decided_ms INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX phases_project ON phases (project_id, seq);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    phase_id INTEGER REFERENCES phases(id),
    name TEXT NOT NULL,
    due_date TEXT,
    owner_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'open',
    done_date TEXT,
    customer_visible INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX milestones_project ON milestones (project_id, due_date);

CREATE TABLE deliverables (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    phase_id INTEGER REFERENCES phases(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    owner_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'pending',
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_ms INTEGER,
    review_comment TEXT NOT NULL DEFAULT '',
    customer_visible INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deliverables_project ON deliverables (project_id, due_date);

CREATE TABLE charters (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    version_no INTEGER NOT NULL,
    objectives TEXT NOT NULL DEFAULT '',
    scope_in TEXT NOT NULL DEFAULT '',
    scope_out TEXT NOT NULL DEFAULT '',
    success_criteria TEXT NOT NULL DEFAULT '',
    key_dates TEXT NOT NULL DEFAULT '',
    budget_summary TEXT NOT NULL DEFAULT '',
    sponsor_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'draft',
    signed_by INTEGER REFERENCES users(id),
    signed_ms INTEGER,
    content_hash TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX charters_version ON charters (project_id, version_no);

CREATE TABLE stakeholders (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    side TEXT NOT NULL CHECK (side IN ('vendor','customer')),
    user_id INTEGER REFERENCES users(id),
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    im_id TEXT NOT NULL DEFAULT '',
    influence INTEGER NOT NULL DEFAULT 3,
    interest INTEGER NOT NULL DEFAULT 3,
    expectations TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    left_ms INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stakeholders_project ON stakeholders (project_id);

-- A/B roles: each key responsibility has a primary (A) and a backup (B).
CREATE TABLE responsibilities (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    side TEXT NOT NULL CHECK (side IN ('vendor','customer')),
    name TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    primary_id INTEGER REFERENCES stakeholders(id),
    backup_id INTEGER REFERENCES stakeholders(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX responsibilities_project ON responsibilities (project_id, seq);

CREATE TABLE raci_activities (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    seq INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX raci_activities_project ON raci_activities (project_id, seq);

-- party: 'role:pm', 'role:customer_pm' … or 'stakeholder:<id>'.
CREATE TABLE raci_cells (
    activity_id INTEGER NOT NULL REFERENCES raci_activities(id),
    party TEXT NOT NULL,
    letter TEXT NOT NULL CHECK (letter IN ('R','A','C','I')),
    PRIMARY KEY (activity_id, party)
);

ALTER TABLE projects ADD COLUMN template_id INTEGER REFERENCES templates(id);
ALTER TABLE projects ADD COLUMN modules TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN health_override TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN health_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN health_by INTEGER REFERENCES users(id);
ALTER TABLE projects ADD COLUMN health_ms INTEGER;
