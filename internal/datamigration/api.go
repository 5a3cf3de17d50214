package datamigration

import (
	"net/http"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/datamigration/engine"
	"golive/internal/web"
)

// API serves the module's JSON endpoints; they call the same service
// methods as the pages.
type API struct{ svc *Service }

func NewAPI(s *Service) *API { return &API{svc: s} }

func ids(c *web.Ctx, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	for i, n := range names {
		id, err := c.PathID(n)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// LibraryEntry is one standard object.
type LibraryEntry struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Fields int    `json:"fields"`
}

// Library lists the standard objects an object may be copied from.
func (a *API) Library(c *web.Ctx) error {
	x, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, x[0], ""); err != nil {
		return err
	}
	out := []LibraryEntry{}
	for _, s := range engine.Library() {
		out = append(out, LibraryEntry{Key: s.Object, Label: s.Label, Fields: len(s.Fields)})
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Objects(c *web.Ctx) error {
	x, err := ids(c, "id")
	if err != nil {
		return err
	}
	os, _, err := a.svc.Objects(c.Context(), c.P, x[0])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, os)
}

func (a *API) CreateObject(c *web.Ctx) error {
	x, err := ids(c, "id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.sees(c, x[0]), func(in ObjectInput) (Object, error) {
		return a.svc.CreateObject(c.Context(), c.P, x[0], in)
	})
}

func (a *API) Object(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	o, _, err := a.svc.Object(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (a *API) UpdateSpec(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.sees(c, x[0]), func(in SpecInput) (Object, error) {
		return a.svc.UpdateSpec(c.Context(), c.P, x[0], x[1], in)
	})
}

func (a *API) DeleteObject(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteObject(c.Context(), c.P, x[0], x[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) RestoreObject(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, x[0], ""); err != nil {
		return err
	}
	var pidOf int64
	if err := a.svc.db.QueryRow(c.Context(), `SELECT project_id FROM dm_objects WHERE id = ?`, x[1]).Scan(&pidOf); err != nil || pidOf != x[0] {
		return apperr.NotFoundErr()
	}
	if err := a.svc.RestoreObject(c.Context(), c.P, x[1]); err != nil {
		return err
	}
	o, _, err := a.svc.Object(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (a *API) Runs(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	rs, err := a.svc.Runs(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

// CreateRun uploads a file (multipart "file") and starts the run with the
// remembered or automatic mapping, or the JSON mapping in the "mapping"
// field. A mapping that leaves required fields without a column is 400,
// naming them.
func (a *API) CreateRun(c *web.Ctx) error {
	x, err := ids(c, "id", "oid")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, x[0], access.MigrationRun); err != nil {
		return err
	}
	sp, err := a.svc.Spool(c.R, "file")
	if err != nil {
		return err
	}
	defer sp.Remove()
	r, err := a.svc.Upload(c.Context(), c.P, x[0], x[1], sp)
	if err != nil {
		return err
	}
	m := r.Mapping
	if raw := strings.TrimSpace(sp.Fields["mapping"]); raw != "" {
		var in engine.Mapping
		if err := web.DecodeJSON(strings.NewReader(raw), &in); err != nil {
			_, _ = a.svc.CancelRun(c.Context(), c.P, x[0], r.ID)
			return apperr.InvalidField("mapping", "dm.err_mapping_json")
		}
		m = in
	}
	started, err := a.svc.Start(c.Context(), c.P, x[0], r.ID, m)
	if err != nil {
		_, _ = a.svc.CancelRun(c.Context(), c.P, x[0], r.ID)
		return err
	}
	return c.JSON(http.StatusAccepted, started)
}

func (a *API) Run(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	r, _, err := a.svc.Run(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) CancelRun(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	r, err := a.svc.CancelRun(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Samples(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	ss, err := a.svc.Samples(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ss)
}

func (a *API) DrawSample(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.sees(c, x[0]), func(in SampleInput) (Sample, error) {
		return a.svc.DrawSample(c.Context(), c.P, x[0], x[1], in)
	})
}

func (a *API) SignSample(c *web.Ctx) error {
	x, err := ids(c, "id", "sid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.sees(c, x[0]), func(in SignInput) (Sample, error) {
		return a.svc.SignSample(c.Context(), c.P, x[0], x[1], in)
	})
}

func (a *API) Reconciliation(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	rc, err := a.svc.Reconciliation(c.Context(), c.P, x[0], x[1])
	if err != nil {
		return err
	}
	if rc == nil {
		return apperr.NotFoundErr()
	}
	return c.JSON(http.StatusOK, rc)
}

func (a *API) SaveReconciliation(c *web.Ctx) error {
	x, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.sees(c, x[0]), func(in ReconInput) (*Reconciliation, error) {
		return a.svc.SaveReconciliation(c.Context(), c.P, x[0], x[1], in)
	})
}

// sees is the check a JSON change makes before its body is read: does the
// caller see project id? (The change checks its own action.)
func (a *API) sees(c *web.Ctx, id int64) func() error {
	return func() error {
		_, err := a.svc.can(c.Context(), c.P, id, "")
		return err
	}
}
