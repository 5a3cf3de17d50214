-- Requirements: the requirement pool (REQ-001…), its review log, the
-- function list (F-001…), the many-to-many mapping between them and the
-- work tasks a function generated. Owned by internal/requirement.
--
-- Numbers are unique per project over every row, deleted ones included:
-- a number is never given to another requirement or function.
-- functions.effort_tenths is the estimate in tenths of a person-day
-- (15 = 1.5 人天).

CREATE TABLE requirements (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    module TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL DEFAULT '',
    source_id INTEGER NOT NULL DEFAULT 0,
    source_ref TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT '',
    raised_by TEXT NOT NULL DEFAULT '',
    acceptance TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'should' CHECK (priority IN ('must','should','could','wont')),
    value_score INTEGER NOT NULL DEFAULT 3 CHECK (value_score BETWEEN 1 AND 5),
    effort_score INTEGER NOT NULL DEFAULT 3 CHECK (effort_score BETWEEN 1 AND 5),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','review','confirmed','implemented','accepted','rejected','changing')),
    customer_visible INTEGER NOT NULL DEFAULT 1,
    rank REAL NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX requirements_number ON requirements (project_id, number);
CREATE INDEX requirements_matrix ON requirements (project_id, priority, rank) WHERE deleted_ms IS NULL;
CREATE INDEX requirements_source ON requirements (project_id, source_kind, source_id);

CREATE TABLE requirement_reviews (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    requirement_id INTEGER NOT NULL REFERENCES requirements(id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    actor_id INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL DEFAULT '',
    at_ms INTEGER NOT NULL
);
CREATE INDEX requirement_reviews_req ON requirement_reviews (requirement_id, id);

CREATE TABLE functions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT 'standard' CHECK (type IN ('standard','config','custom','report','interface','data')),
    effort_tenths INTEGER NOT NULL DEFAULT 0 CHECK (effort_tenths >= 0),
    tasks_generated_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX functions_number ON functions (project_id, number);

CREATE TABLE req_functions (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    requirement_id INTEGER NOT NULL REFERENCES requirements(id),
    function_id INTEGER NOT NULL REFERENCES functions(id),
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (requirement_id, function_id)
);
CREATE INDEX req_functions_function ON req_functions (function_id);
CREATE INDEX req_functions_project ON req_functions (project_id);

CREATE TABLE function_tasks (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    function_id INTEGER NOT NULL REFERENCES functions(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (function_id, task_id)
);
CREATE INDEX function_tasks_task ON function_tasks (task_id);
CREATE INDEX function_tasks_project ON function_tasks (project_id);
