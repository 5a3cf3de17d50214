-- Research instruments (需求调研): questionnaire templates (instance-wide),
-- project questionnaires copied from them, one response per recipient,
-- interview and site-observation records, and which sentence or answer
-- became which requirement. Owned by internal/research.

CREATE TABLE rs_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    body_json TEXT NOT NULL,
    builtin_key TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX rs_templates_builtin ON rs_templates (builtin_key) WHERE builtin_key <> '';

CREATE TABLE rs_questionnaires (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    template_id INTEGER REFERENCES rs_templates(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    body_json TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    due_date TEXT NOT NULL DEFAULT '',
    sent_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rs_questionnaires_project ON rs_questionnaires (project_id);

CREATE TABLE rs_responses (
    id INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES rs_questionnaires(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'pending',
    answers_json TEXT NOT NULL DEFAULT '{}',
    submitted_ms INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX rs_responses_person ON rs_responses (questionnaire_id, user_id);

CREATE TABLE rs_records (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    interviewee TEXT NOT NULL DEFAULT '',
    held_date TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    internal BOOLEAN NOT NULL DEFAULT TRUE,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rs_records_project ON rs_records (project_id);

CREATE TABLE rs_candidates (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    source_kind TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    source_key TEXT NOT NULL,
    req_id INTEGER,
    req_number TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX rs_candidates_source ON rs_candidates (source_kind, source_id, source_key);
