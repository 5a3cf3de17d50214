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

-- Approved labor counted by project, person, trade, unit, quantity and
-- month: the portfolio finance view prices these groups (every record of
-- a group costs the same while no rate starts inside the month) instead
-- of reading every record. Kept exact and in the same transaction as the
-- labor change by the triggers below; rows whose count fell to 0 stay.
CREATE TABLE costcentre_labor_months (
    project_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    worker_id INTEGER NOT NULL,
    trade TEXT NOT NULL,
    unit TEXT NOT NULL,
    qty_centi INTEGER NOT NULL,
    month TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (project_id, month, user_id, worker_id, trade, unit, qty_centi)
);

INSERT INTO costcentre_labor_months (project_id, user_id, worker_id, trade, unit, qty_centi, month, n)
SELECT project_id, COALESCE(user_id, 0), COALESCE(worker_id, 0), trade, unit, qty_centi, substr(work_date, 1, 7), COUNT(*)
FROM labor_records WHERE status = 'approved' AND deleted_ms IS NULL
GROUP BY project_id, COALESCE(user_id, 0), COALESCE(worker_id, 0), trade, unit, qty_centi, substr(work_date, 1, 7);

CREATE TRIGGER costcentre_labor_months_del AFTER DELETE ON labor_records
WHEN OLD.status = 'approved' AND OLD.deleted_ms IS NULL
BEGIN
    UPDATE costcentre_labor_months SET n = n - 1
    WHERE project_id = OLD.project_id AND month = substr(OLD.work_date, 1, 7) AND user_id = COALESCE(OLD.user_id, 0)
      AND worker_id = COALESCE(OLD.worker_id, 0) AND trade = OLD.trade AND unit = OLD.unit AND qty_centi = OLD.qty_centi;
END;

CREATE TRIGGER costcentre_labor_months_upd_old AFTER UPDATE ON labor_records
WHEN OLD.status = 'approved' AND OLD.deleted_ms IS NULL
BEGIN
    UPDATE costcentre_labor_months SET n = n - 1
    WHERE project_id = OLD.project_id AND month = substr(OLD.work_date, 1, 7) AND user_id = COALESCE(OLD.user_id, 0)
      AND worker_id = COALESCE(OLD.worker_id, 0) AND trade = OLD.trade AND unit = OLD.unit AND qty_centi = OLD.qty_centi;
END;

CREATE TRIGGER costcentre_labor_months_ins AFTER INSERT ON labor_records
WHEN NEW.status = 'approved' AND NEW.deleted_ms IS NULL
BEGIN
    INSERT INTO costcentre_labor_months (project_id, user_id, worker_id, trade, unit, qty_centi, month, n)
    VALUES (NEW.project_id, COALESCE(NEW.user_id, 0), COALESCE(NEW.worker_id, 0), NEW.trade, NEW.unit, NEW.qty_centi, substr(NEW.work_date, 1, 7), 1)
    ON CONFLICT (project_id, month, user_id, worker_id, trade, unit, qty_centi) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER costcentre_labor_months_upd_new AFTER UPDATE ON labor_records
WHEN NEW.status = 'approved' AND NEW.deleted_ms IS NULL
BEGIN
    INSERT INTO costcentre_labor_months (project_id, user_id, worker_id, trade, unit, qty_centi, month, n)
    VALUES (NEW.project_id, COALESCE(NEW.user_id, 0), COALESCE(NEW.worker_id, 0), NEW.trade, NEW.unit, NEW.qty_centi, substr(NEW.work_date, 1, 7), 1)
    ON CONFLICT (project_id, month, user_id, worker_id, trade, unit, qty_centi) DO UPDATE SET n = n + 1;
END;
