-- Iteration capacity: the focus factor the PM sets per iteration (share of
-- a working day spent on planned work), and a member's available hours
-- where they differ from the default (working days x 8 h x focus), e.g.
-- for leave or part-time members. Owned by internal/work. Saving capacity
-- bumps the iteration's version, which guards these rows against
-- concurrent edits.
ALTER TABLE iterations ADD COLUMN focus_pct INTEGER NOT NULL DEFAULT 70;

CREATE TABLE iteration_capacity (
    iteration_id INTEGER NOT NULL REFERENCES iterations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    available_min INTEGER NOT NULL,
    PRIMARY KEY (iteration_id, user_id)
);
