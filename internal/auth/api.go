package auth

import (
	"net/http"

	"golive/internal/web"
)

// API holds the JSON handlers for accounts.
type API struct{ svc *Service }

func NewAPI(s *Service) *API { return &API{svc: s} }

// Me describes the caller.
type Me struct {
	User
	CanCreateProject bool `json:"can_create_project"`
}

func (a *API) Me(c *web.Ctx) error {
	u, err := a.svc.GetUser(c.Context(), c.P, c.P.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Me{User: u, CanCreateProject: c.P.CanCreateProject()})
}

func (a *API) Companies(c *web.Ctx) error {
	cos, err := a.svc.ListCompanies(c.Context(), c.P)
	if err != nil {
		return err
	}
	if cos == nil {
		cos = []Company{}
	}
	return c.JSON(http.StatusOK, cos)
}

func (a *API) CreateCompany(c *web.Ctx) error {
	var in CompanyInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	co, err := a.svc.CreateCompany(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, co)
}

func (a *API) Users(c *web.Ctx) error {
	id := int64(c.QueryInt("company_id", 0))
	us, err := a.svc.ListUsers(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if us == nil {
		us = []User{}
	}
	return c.JSON(http.StatusOK, us)
}

func (a *API) CreateUser(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return errNotFound()
	}
	var in UserInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	u, err := a.svc.CreateUser(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

func (a *API) Tokens(c *web.Ctx) error {
	ts, err := a.svc.ListTokens(c.Context(), c.P)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []APIToken{}
	}
	return c.JSON(http.StatusOK, ts)
}

// NewToken is the one response that carries a token's secret.
type NewToken struct {
	APIToken
	Token string `json:"token"`
}

func (a *API) CreateToken(c *web.Ctx) error {
	var in TokenInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	plain, t, err := a.svc.CreateToken(c.Context(), c.P, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, NewToken{APIToken: t, Token: plain})
}

func (a *API) RevokeToken(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := a.svc.RevokeToken(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Password is the one response that carries a new one-time password.
type Password struct {
	Password string `json:"password"`
}

func (a *API) ResetPassword(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pw, err := a.svc.ResetPassword(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Password{Password: pw})
}

// DisabledInput locks or unlocks an account.
type DisabledInput struct {
	Disabled bool `json:"disabled"`
}

func (a *API) SetDisabled(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if !c.P.CanAdminister() {
		return errNotFound()
	}
	var in DisabledInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	u, err := a.svc.SetDisabled(c.Context(), c.P, id, in.Disabled)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}
