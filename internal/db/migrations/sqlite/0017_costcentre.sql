-- Cost centre (internal/costcentre): the alert thresholds a PM sets per
-- project, and the state of each overrun alert so that it is announced
-- once per crossing (a row is opened when the alert starts to hold and
-- closed, cleared_ms set, when it stops; the next crossing opens a new
-- row and notifies again).
CREATE TABLE costcentre_settings (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id),
    cpi_threshold_pct INTEGER NOT NULL DEFAULT 90,
    ahead_points INTEGER NOT NULL DEFAULT 10,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by INTEGER REFERENCES users(id),
    updated_ms INTEGER NOT NULL
);

CREATE TABLE costcentre_alerts (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    alert_key TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    raised_ms INTEGER NOT NULL,
    cleared_ms INTEGER
);
CREATE UNIQUE INDEX costcentre_alerts_open ON costcentre_alerts (project_id, alert_key) WHERE cleared_ms IS NULL;
