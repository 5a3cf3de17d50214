// Package datamigration is the data migration module (数据迁移与清洗): per
// project, the migration objects (物料主数据, BOM, 客户主数据 …) with their
// field specification, code-mapping tables, runs of customer files through
// the engine (internal/datamigration/engine), sample verification and
// source/target reconciliation.
//
// Entities and invariants:
//   - An object belongs to one project; its code is unique among the
//     project's live objects. Its specification is JSON the engine compiles;
//     a specification that does not compile is never stored. Objects carry a
//     version (stale → conflict) and are deleted softly (trash).
//   - A run belongs to one object. Its uploaded file and its result files
//     live in the database in chunks (dm_files), so whichever process
//     receives "start" or "download" can read them. The run itself executes
//     in a goroutine of the process that started it; status, progress and
//     cancellation go through the dm_runs row, so a page served by another
//     process can show and cancel it. A run whose heartbeat stopped (its
//     process died) reads as failed.
//   - A lookup against another object uses the key column of that object's
//     latest finished run in the same project (read from its cleaned CSV).
//   - A sample is drawn once from a finished run's cleaned rows and signed
//     once (who, when, pass/fail, comment); a signed sample is frozen.
//   - A reconciliation is one per run: target counts and totals entered or
//     uploaded, compared with the run's source counts and totals.
//
// Who may do what (internal/access): everyone on the project sees objects
// and runs (customers only their own company's projects, like every
// project page); PM and consultants edit specifications, code maps and
// reconciliation; PM, consultants, customer PM and key users upload and run
// files and draw samples; customer PM and key users sign samples; finance
// and developers read.
package datamigration
