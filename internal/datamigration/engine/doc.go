// Package engine is the data-migration engine: field specifications,
// cleansing, validation, de-duplication, readers for customers' CSV and
// Excel files, and the writers of cleaned files and error reports.
//
// It is pure: no database, no HTTP. The datamigration module stores specs,
// mappings and runs around it, and `golive data validate` runs the very
// same code offline, so a consultant's laptop and the server reject the
// same rows with the same words.
//
// A run streams: Run reads one row at a time through a RowReader, cleanses
// it (every fix counted by kind), validates it, de-duplicates it and hands
// it to the sinks. Memory does not grow with the row count except for the
// key sets that uniqueness, de-duplication and lookups need, and those keep
// 64-bit hashes rather than the strings (see KeySet).
//
// Cross-field rules are expressions of github.com/expr-lang/expr, compiled
// once per Program and run per row on a reused environment. Values are
// typed after cleansing: integers as int, decimals as float64, booleans as
// bool, dates as "YYYY-MM-DD" strings (which compare correctly), text and
// codes as strings; an empty value is nil. As with a SQL CHECK constraint,
// a rule that cannot be evaluated because a value it needs is empty
// passes — write `x != nil && …` to insist on the value.
//
// Notes for the datamigration module (which stores specs, runs and sets):
//   - Errors from Compile, Mapping.Check(...).Err, the readers and Run are
//     *apperr.Error with code invalid, a dataengine.* catalog key and its
//     arguments; their field is "spec", "mapping" or "file". Show them with
//     i18n.T(lang, e.Key, e.Args...). Anything else is internal.
//   - Run calls the Opener twice when Dedup keeps the last or most complete
//     row: hand it a file on disk (FileOpener), not a one-shot stream.
//   - Rejected rows are not an error. Cancelling ctx returns ctx.Err(); the
//     sinks are then closed but incomplete (delete their files).
//   - Lookups of another object name "object.field": run that object first
//     with Sinks.CollectKeys = []string{field}, then pass
//     Result.KeySets[field] as Env.LookupSets["object.field"]. A KeySet can
//     be saved with WriteTo and read back with ReadKeySet.
//   - A run's own key sets are mapped outside the Go heap and freed when Run
//     returns; Result.KeySets are ordinary heap objects.
//
// API changes (tell the datamigration module here when the public API
// changes after its first commit):
//   - none: the exported names and signatures are those of the first commit.
package engine
