package web

// Reply answers a JSON read or change: err as it is, or v with status.
func Reply(c *Ctx, status int, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(status, v)
}

// JSONChange answers a JSON change: check (may the caller make it?) runs
// before the body is read, the body decodes into In, do makes the change
// and its result goes out with status.
func JSONChange[In, Out any](c *Ctx, status int, check func() error, do func(in In) (Out, error)) error {
	if err := check(); err != nil {
		return err
	}
	var in In
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := do(in)
	return Reply(c, status, out, err)
}

// ProjectPathID reads the project's {id} and the {name} of the thing in it
// from the path (see PathID).
func (c *Ctx) ProjectPathID(name string) (projectID, id int64, err error) {
	if projectID, err = c.PathID("id"); err != nil {
		return 0, 0, err
	}
	id, err = c.PathID(name)
	return projectID, id, err
}
