-- Data migration: migration objects with their field specification (JSON,
-- compiled by internal/datamigration/engine), code-mapping tables, runs of
-- uploaded files, the run's files in chunks (so any process can serve or
-- run them), sample verification and source/target reconciliation.
-- Owned by internal/datamigration.

CREATE TABLE dm_objects (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    library_key TEXT NOT NULL DEFAULT '',
    spec_json TEXT NOT NULL,
    columns_json TEXT NOT NULL DEFAULT '{}',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dm_objects_code ON dm_objects (project_id, code) WHERE deleted_ms IS NULL;

CREATE TABLE dm_code_maps (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    object_id INTEGER NOT NULL REFERENCES dm_objects(id),
    name TEXT NOT NULL,
    entries_json TEXT NOT NULL,
    entry_count INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dm_code_maps_name ON dm_code_maps (object_id, name) WHERE deleted_ms IS NULL;

CREATE TABLE dm_runs (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    object_id INTEGER NOT NULL REFERENCES dm_objects(id),
    status TEXT NOT NULL CHECK (status IN ('uploaded','queued','running','done','failed','cancelled')),
    file_name TEXT NOT NULL,
    file_kind TEXT NOT NULL,
    file_bytes INTEGER NOT NULL DEFAULT 0,
    encoding TEXT NOT NULL DEFAULT '',
    headers_json TEXT NOT NULL DEFAULT '[]',
    columns_json TEXT NOT NULL DEFAULT '{}',
    spec_version INTEGER NOT NULL DEFAULT 0,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_clean INTEGER NOT NULL DEFAULT 0,
    rows_fixed INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    quality_permille INTEGER NOT NULL DEFAULT 0,
    stats_json TEXT NOT NULL DEFAULT '{}',
    error_key TEXT NOT NULL DEFAULT '',
    error_args TEXT NOT NULL DEFAULT '[]',
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    started_ms INTEGER,
    finished_ms INTEGER,
    heartbeat_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dm_runs_object ON dm_runs (object_id, created_ms);
CREATE INDEX dm_runs_project ON dm_runs (project_id, status);

CREATE TABLE dm_files (
    run_id INTEGER NOT NULL REFERENCES dm_runs(id),
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, kind, seq)
);

CREATE TABLE dm_samples (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    run_id INTEGER NOT NULL REFERENCES dm_runs(id),
    size INTEGER NOT NULL,
    rows_json TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending','pass','fail')),
    comment TEXT NOT NULL DEFAULT '',
    signed_by INTEGER REFERENCES users(id),
    signed_name TEXT NOT NULL DEFAULT '',
    signed_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dm_samples_run ON dm_samples (run_id);

CREATE TABLE dm_reconciliations (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    run_id INTEGER NOT NULL REFERENCES dm_runs(id),
    target_count INTEGER NOT NULL,
    target_totals_json TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dm_reconciliations_run ON dm_reconciliations (run_id);
