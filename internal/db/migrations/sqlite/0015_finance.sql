-- Finance (labor and costs): rate cards, day-labor trade rates,
-- subcontractors and their day workers, budget versions with lines by
-- category and phase, labor records (点工/工时) with approval and reversal,
-- closed months and expenses. Owned by internal/finance; read by the cost
-- centre through finance.Service (Actuals, BudgetCurrent).
-- Money is integer fen. Quantities are hundredths (qty_centi: 7.5 h = 750,
-- 0.5 day = 50); hours_centi is the hour equivalent (1 day = 8 h) used by
-- the 24-hours-per-person-per-day check across all projects.
-- Rate rows are never rewritten: a change adds a row with a later
-- valid_from_date; the rate valid on a day is the row with the greatest
-- valid_from_date <= that day.

-- A rate card row is for a role (role <> '') or for one person (a user or
-- a day worker). Rates are NULL where not set.
CREATE TABLE rate_cards (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users(id),
    worker_id INTEGER,
    cost_day_minor INTEGER,
    cost_hour_minor INTEGER,
    bill_day_minor INTEGER,
    bill_hour_minor INTEGER,
    valid_from_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    deleted_ms INTEGER
);
CREATE INDEX rate_cards_user ON rate_cards (user_id, valid_from_date);
CREATE INDEX rate_cards_worker ON rate_cards (worker_id, valid_from_date);
CREATE INDEX rate_cards_role ON rate_cards (role, valid_from_date);

-- Day-labor rates by trade (工种) and unit: 'day' (工日) or 'hour'.
CREATE TABLE trade_rates (
    id INTEGER PRIMARY KEY,
    trade TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('day','hour')),
    cost_minor INTEGER NOT NULL,
    bill_minor INTEGER NOT NULL DEFAULT 0,
    valid_from_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    deleted_ms INTEGER
);
CREATE INDEX trade_rates_trade ON trade_rates (trade, unit, valid_from_date);

CREATE TABLE subcontractors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX subcontractors_name ON subcontractors (name) WHERE deleted_ms IS NULL;

-- Day workers: named people without a login, belonging to a subcontractor.
CREATE TABLE workers (
    id INTEGER PRIMARY KEY,
    subcontractor_id INTEGER NOT NULL REFERENCES subcontractors(id),
    name TEXT NOT NULL,
    trade TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX workers_subcontractor ON workers (subcontractor_id);

-- Budget versions: seq 1 is the original, later ones revisions with a
-- reason (possibly proposed by an approved change request). Only approved
-- versions count; the current budget is the approved one with the
-- greatest seq.
CREATE TABLE budget_versions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('original','revision')),
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('proposed','approved','rejected')),
    contingency_pct INTEGER NOT NULL DEFAULT 10 CHECK (contingency_pct BETWEEN 0 AND 30),
    change_request_id INTEGER,
    change_number TEXT NOT NULL DEFAULT '',
    change_cost_minor INTEGER NOT NULL DEFAULT 0,
    decided_by INTEGER REFERENCES users(id),
    decided_ms INTEGER,
    decision_note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX budget_versions_seq ON budget_versions (project_id, seq);

-- phase_id NULL: the whole project. category: labor|travel|outsourcing|
-- software_hardware|other.
CREATE TABLE budget_lines (
    id INTEGER PRIMARY KEY,
    budget_version_id INTEGER NOT NULL REFERENCES budget_versions(id),
    category TEXT NOT NULL CHECK (category IN ('labor','travel','outsourcing','software_hardware','other')),
    phase_id INTEGER REFERENCES phases(id),
    amount_minor INTEGER NOT NULL
);
CREATE INDEX budget_lines_version ON budget_lines (budget_version_id);

-- A labor record is for a user (user_id) or a day worker (worker_id, with
-- the worker's subcontractor copied for the summaries). A correction of an
-- approved record is a reversal (reversal_of = the original, negative
-- quantity) plus a new record; locked rows are never updated.
CREATE TABLE labor_records (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    work_date TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    worker_id INTEGER REFERENCES workers(id),
    subcontractor_id INTEGER REFERENCES subcontractors(id),
    task_id INTEGER REFERENCES tasks(id),
    trade TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL CHECK (unit IN ('day','hour')),
    qty_centi INTEGER NOT NULL,
    hours_centi INTEGER NOT NULL,
    overtime INTEGER NOT NULL DEFAULT 0,
    onsite INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft','submitted','approved','rejected')),
    reject_reason TEXT NOT NULL DEFAULT '',
    reversal_of INTEGER REFERENCES labor_records(id),
    locked INTEGER NOT NULL DEFAULT 0,
    submitted_ms INTEGER,
    decided_by INTEGER REFERENCES users(id),
    decided_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((user_id IS NULL) <> (worker_id IS NULL))
);
CREATE INDEX labor_records_project ON labor_records (project_id, work_date);
CREATE INDEX labor_records_user ON labor_records (user_id, work_date) WHERE user_id IS NOT NULL;
CREATE INDEX labor_records_worker ON labor_records (worker_id, work_date) WHERE worker_id IS NOT NULL;
CREATE INDEX labor_records_sub ON labor_records (subcontractor_id, work_date) WHERE subcontractor_id IS NOT NULL;
CREATE INDEX labor_records_status ON labor_records (project_id, status);
CREATE UNIQUE INDEX labor_records_reversal ON labor_records (reversal_of) WHERE reversal_of IS NOT NULL AND deleted_ms IS NULL;

-- Closed months: no record may be added, changed or approved in a closed
-- month. project_id NULL closes the month for the whole instance.
CREATE TABLE closed_months (
    id INTEGER PRIMARY KEY,
    project_id INTEGER REFERENCES projects(id),
    month TEXT NOT NULL,
    closed_by INTEGER REFERENCES users(id),
    closed_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX closed_months_project ON closed_months (project_id, month) WHERE project_id IS NOT NULL;
CREATE UNIQUE INDEX closed_months_instance ON closed_months (month) WHERE project_id IS NULL;

-- Expenses: amount excludes tax; cost counted = amount_minor (tax shown
-- separately). Receipts are discuss attachments of kind 'expense'.
CREATE TABLE expenses (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    expense_date TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('labor','travel','outsourcing','software_hardware','other')),
    phase_id INTEGER REFERENCES phases(id),
    amount_minor INTEGER NOT NULL,
    tax_minor INTEGER NOT NULL DEFAULT 0,
    payee TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft','submitted','approved','rejected')),
    reject_reason TEXT NOT NULL DEFAULT '',
    submitted_ms INTEGER,
    decided_by INTEGER REFERENCES users(id),
    decided_ms INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX expenses_project ON expenses (project_id, expense_date);
