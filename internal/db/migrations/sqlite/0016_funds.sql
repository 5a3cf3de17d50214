-- Fund centre (资金中心): contracts per project, their payment milestones
-- (首付款/进度款/验收款/质保金), invoices issued and receipts against a
-- milestone, and the once-a-day overdue alert log. Owned by internal/funds.
--
-- Money is integer fen. A contract's amount_minor is the amount before tax
-- (不含税); tax_minor = amount × tax_rate_bp / 10000 rounded half-up to the
-- fen; the customer pays amount + tax (价税合计), which the milestones share
-- out (share_bp in basis points: 3000 = 30 %).

CREATE TABLE fund_contracts (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    customer_company_id INTEGER NOT NULL REFERENCES companies(id),
    amount_minor INTEGER NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    tax_minor INTEGER NOT NULL,
    currency TEXT NOT NULL DEFAULT 'CNY',
    signed_date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX fund_contracts_number ON fund_contracts (number) WHERE deleted_ms IS NULL;
CREATE INDEX fund_contracts_project ON fund_contracts (project_id);

CREATE TABLE fund_milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    contract_id INTEGER NOT NULL REFERENCES fund_contracts(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    share_bp INTEGER NOT NULL DEFAULT 0,
    amount_minor INTEGER NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_id INTEGER,
    planned_date TEXT,
    warranty_months INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fund_milestones_contract ON fund_milestones (contract_id, seq);
CREATE INDEX fund_milestones_project ON fund_milestones (project_id);

CREATE TABLE fund_invoices (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    contract_id INTEGER NOT NULL REFERENCES fund_contracts(id),
    milestone_id INTEGER NOT NULL REFERENCES fund_milestones(id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    tax_minor INTEGER NOT NULL,
    issue_date TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX fund_invoices_number ON fund_invoices (number) WHERE deleted_ms IS NULL;
CREATE INDEX fund_invoices_milestone ON fund_invoices (milestone_id);
CREATE INDEX fund_invoices_project ON fund_invoices (project_id, issue_date);

CREATE TABLE fund_receipts (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    contract_id INTEGER NOT NULL REFERENCES fund_contracts(id),
    milestone_id INTEGER NOT NULL REFERENCES fund_milestones(id),
    amount_minor INTEGER NOT NULL,
    receipt_date TEXT NOT NULL,
    method TEXT NOT NULL,
    prepayment BOOLEAN NOT NULL DEFAULT FALSE,
    reference TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    deleted_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fund_receipts_milestone ON fund_receipts (milestone_id);
CREATE INDEX fund_receipts_project ON fund_receipts (project_id, receipt_date);

-- One row per milestone per day an overdue alert was sent: the daily job
-- and the on-demand button insert here first (ON CONFLICT DO NOTHING), so
-- running them twice a day notifies once.
CREATE TABLE fund_alerts (
    milestone_id INTEGER NOT NULL REFERENCES fund_milestones(id),
    alert_date TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (milestone_id, alert_date)
);
