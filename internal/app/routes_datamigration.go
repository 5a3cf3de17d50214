package app

import (
	"golive/internal/access"
	"golive/internal/datamigration"
	"golive/internal/web"
)

// dataMigrationRoutes registers the data migration module: objects and
// their specifications, templates, runs with progress and downloads,
// samples and reconciliation. Called from routes.
func (a *App) dataMigrationRoutes() {
	s := a.Server
	w := datamigration.NewWeb(a.DataMigration)
	api := datamigration.NewAPI(a.DataMigration)

	s.AddProjectNav("dm.nav", "/migration", "migration", access.MigrationView)

	s.Page("GET /projects/{id}/migration", w.List)
	s.Page("GET /projects/{id}/migration.xlsx", w.Export)
	s.Page("POST /projects/{id}/migration/objects", w.Create)
	s.Page("GET /projects/{id}/migration/objects/{oid}", w.Show)
	s.Page("POST /projects/{id}/migration/objects/{oid}/spec", w.SaveSpec)
	s.Page("POST /projects/{id}/migration/objects/{oid}/delete", w.Delete)
	s.Page("GET /projects/{id}/migration/objects/{oid}/spec.json", w.SpecJSON)
	s.Page("GET /projects/{id}/migration/objects/{oid}/mapping.json", w.MappingJSON)
	s.Page("GET /projects/{id}/migration/objects/{oid}/template.xlsx", w.TemplateXLSX)
	s.Page("GET /projects/{id}/migration/objects/{oid}/template.csv", w.TemplateCSV)
	s.Page("GET /projects/{id}/migration/objects/{oid}/runs.xlsx", w.RunsExport)
	s.Page("GET /projects/{id}/migration/objects/{oid}/codemaps/{mid}/export.csv", w.CodeMapCSV)
	// Uploads carry their own limits beyond the body limit (the file's, the
	// table's); the body limit only has to let them through.
	s.Page("POST /projects/{id}/migration/objects/{oid}/codemaps", w.UploadCodeMap, web.BodyLimit(6<<20))
	s.Page("POST /projects/{id}/migration/objects/{oid}/runs", w.Upload, web.BodyLimit(datamigration.UploadMaxBytes+1<<20))
	s.Page("GET /projects/{id}/migration/runs/{rid}", w.ShowRun)
	s.Page("POST /projects/{id}/migration/runs/{rid}/start", w.StartRun)
	s.Page("POST /projects/{id}/migration/runs/{rid}/cancel", w.CancelRun)
	s.Page("GET /projects/{id}/migration/runs/{rid}/events", w.Events)
	s.Page("GET /projects/{id}/migration/runs/{rid}/files/{name}", w.File)
	s.Page("POST /projects/{id}/migration/runs/{rid}/samples", w.DrawSample)
	s.Page("POST /projects/{id}/migration/runs/{rid}/reconciliation", w.SaveRecon, web.BodyLimit(2<<20))
	s.Page("POST /projects/{id}/migration/samples/{sid}/sign", w.SignSample)
	s.Page("GET /projects/{id}/migration/samples/{sid}/export.xlsx", w.SampleExport)

	type D = web.Doc
	doc := web.WithDoc
	const tag = "datamigration"
	s.API("GET /api/v1/projects/{id}/migration/library", api.Library, doc(D{Tag: tag, Summary: "Standard migration objects an object may be copied from", Out: []datamigration.LibraryEntry{}}))
	s.API("GET /api/v1/projects/{id}/migration/objects", api.Objects, doc(D{Tag: tag, Summary: "The project's migration objects with their latest run", Out: []datamigration.Object{}}))
	s.API("POST /api/v1/projects/{id}/migration/objects", api.CreateObject, doc(D{Tag: tag, Summary: "Create a migration object, blank or copied from the library (library_key)", In: datamigration.ObjectInput{}, Out: datamigration.Object{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/migration/objects/{oid}", api.Object, doc(D{Tag: tag, Summary: "One migration object with its specification and remembered column mapping", Out: datamigration.Object{}}))
	s.API("PUT /api/v1/projects/{id}/migration/objects/{oid}/spec", api.UpdateSpec, doc(D{Tag: tag, Summary: "Replace the name and field specification; a rule that does not compile is 400 naming it; stale version: 409", In: datamigration.SpecInput{}, Out: datamigration.Object{}}))
	s.API("DELETE /api/v1/projects/{id}/migration/objects/{oid}", api.DeleteObject, doc(D{Tag: tag, Summary: "Move a migration object to the trash", Status: 204}))
	s.API("POST /api/v1/projects/{id}/migration/objects/{oid}/restore", api.RestoreObject, doc(D{Tag: tag, Summary: "Restore a migration object from the trash", Out: datamigration.Object{}}))
	s.API("GET /api/v1/projects/{id}/migration/objects/{oid}/runs", api.Runs, doc(D{Tag: tag, Summary: "An object's runs, newest first", Out: []datamigration.Run{}}))
	s.API("POST /api/v1/projects/{id}/migration/objects/{oid}/runs", api.CreateRun, web.BodyLimit(datamigration.UploadMaxBytes+1<<20),
		doc(D{Tag: tag, Summary: "Upload a file (multipart: file, optional mapping JSON) and start a run with it; poll the run for its status", Out: datamigration.Run{}, Status: 202}))
	s.API("GET /api/v1/projects/{id}/migration/runs/{rid}", api.Run, doc(D{Tag: tag, Summary: "One run: status, progress, counts per rule and field, first errors", Out: datamigration.Run{}}))
	s.API("POST /api/v1/projects/{id}/migration/runs/{rid}/cancel", api.CancelRun, doc(D{Tag: tag, Summary: "Cancel a queued or running run (from any process)", Out: datamigration.Run{}}))
	s.API("GET /api/v1/projects/{id}/migration/runs/{rid}/samples", api.Samples, doc(D{Tag: tag, Summary: "Samples drawn from a run", Out: []datamigration.Sample{}}))
	s.API("POST /api/v1/projects/{id}/migration/runs/{rid}/samples", api.DrawSample, doc(D{Tag: tag, Summary: "Draw a random sample of N cleaned rows of a finished run", In: datamigration.SampleInput{}, Out: datamigration.Sample{}, Status: 201}))
	s.API("POST /api/v1/projects/{id}/migration/samples/{sid}/sign", api.SignSample, doc(D{Tag: tag, Summary: "Sign off a sample (customer PM, key users): pass or fail with a comment; once", In: datamigration.SignInput{}, Out: datamigration.Sample{}}))
	s.API("GET /api/v1/projects/{id}/migration/runs/{rid}/reconciliation", api.Reconciliation, doc(D{Tag: tag, Summary: "Source against target counts and totals of a run (404 until entered)", Out: datamigration.Reconciliation{}}))
	s.API("PUT /api/v1/projects/{id}/migration/runs/{rid}/reconciliation", api.SaveReconciliation, doc(D{Tag: tag, Summary: "Enter the target system's count and totals; version 0 the first time, then the version read", In: datamigration.ReconInput{}, Out: datamigration.Reconciliation{}}))
}
