-- Work: per-project status workflow, iterations, tasks in a WBS with
-- assignees, watchers, checklists and dependencies, baselines and daily
-- iteration snapshots for burndown. Owned by internal/work.

CREATE TABLE workflow_statuses (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('todo','doing','review','done','cancelled')),
    seq INTEGER NOT NULL,
    wip_limit INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX workflow_statuses_key ON workflow_statuses (project_id, key);

CREATE TABLE iterations (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    goal TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned',
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX iterations_project ON iterations (project_id, start_date);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    parent_id INTEGER REFERENCES tasks(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    rank REAL NOT NULL DEFAULT 0,
    priority TEXT NOT NULL DEFAULT 'normal',
    start_date TEXT,
    due_date TEXT,
    duration_days INTEGER NOT NULL DEFAULT 1,
    milestone INTEGER NOT NULL DEFAULT 0,
    estimate_min INTEGER NOT NULL DEFAULT 0,
    remaining_min INTEGER NOT NULL DEFAULT 0,
    progress INTEGER NOT NULL DEFAULT 0,
    phase_id INTEGER REFERENCES phases(id),
    iteration_id INTEGER REFERENCES iterations(id),
    labels TEXT NOT NULL DEFAULT '',
    customer_visible INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    done_ms INTEGER,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX tasks_number ON tasks (project_id, number);
CREATE INDEX tasks_board ON tasks (project_id, status, rank) WHERE deleted_ms IS NULL;
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE INDEX tasks_iteration ON tasks (iteration_id);

CREATE TABLE task_assignees (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_assignees_user ON task_assignees (user_id);

CREATE TABLE task_watchers (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (task_id, user_id)
);

CREATE TABLE checklist_items (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    seq INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX checklist_items_task ON checklist_items (task_id, seq);

CREATE TABLE task_deps (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    pred_id INTEGER NOT NULL REFERENCES tasks(id),
    succ_id INTEGER NOT NULL REFERENCES tasks(id),
    type TEXT NOT NULL CHECK (type IN ('FS','SS','FF','SF')),
    lag_days INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX task_deps_pair ON task_deps (pred_id, succ_id);
CREATE INDEX task_deps_project ON task_deps (project_id);

CREATE TABLE baselines (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    deleted_ms INTEGER
);
CREATE INDEX baselines_project ON baselines (project_id);

CREATE TABLE baseline_tasks (
    baseline_id INTEGER NOT NULL REFERENCES baselines(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    start_date TEXT,
    due_date TEXT,
    PRIMARY KEY (baseline_id, task_id)
);

CREATE TABLE iteration_snapshots (
    iteration_id INTEGER NOT NULL REFERENCES iterations(id),
    day TEXT NOT NULL,
    remaining_min INTEGER NOT NULL,
    open_count INTEGER NOT NULL,
    done_count INTEGER NOT NULL,
    PRIMARY KEY (iteration_id, day)
);
