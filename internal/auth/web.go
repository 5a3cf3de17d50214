package auth

import (
	"embed"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/i18n"
	"golive/internal/web"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Web holds the account pages: login, settings, administration.
type Web struct{ svc *Service }

func NewWeb(s *Service) *Web { return &Web{svc: s} }

type loginPage struct {
	web.Base
	Email string
	Next  string
	Error string
}

// safeNext keeps redirects on this site.
func safeNext(n string) string {
	if n == "" || !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/projects"
	}
	return n
}

func (h *Web) LoginForm(c *web.Ctx) error {
	if c.P != nil {
		return c.Redirect(safeNext(c.R.URL.Query().Get("next")))
	}
	vm := loginPage{Base: c.Base("login.title"), Next: safeNext(c.R.URL.Query().Get("next"))}
	return c.Render(http.StatusOK, "auth/login.html", vm)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Web) Login(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	email, next := c.FormValue("email"), safeNext(c.FormValue("next"))
	token, _, err := h.svc.Login(c.Context(), email, c.FormValue("password"), clientIP(c.R), c.R.UserAgent())
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			return err
		}
		msg := c.T(e.Key, e.Args...)
		for _, m := range c.FieldErrors(err) {
			msg = m
		}
		vm := loginPage{Base: c.Base("login.title"), Email: email, Next: next, Error: msg}
		return c.Render(web.Status(e.Code), "auth/login.html", vm)
	}
	http.SetCookie(c.W, &http.Cookie{Name: web.SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.R.TLS != nil, MaxAge: int(SessionTTL.Seconds())})
	return c.Redirect(next)
}

func (h *Web) Logout(c *web.Ctx) error {
	if ck, err := c.R.Cookie(web.SessionCookie); err == nil {
		_ = h.svc.Logout(c.Context(), ck.Value)
	}
	http.SetCookie(c.W, &http.Cookie{Name: web.SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.Redirect("/login")
}

// SetLang switches the language: stored on the account when logged in,
// in a cookie otherwise.
func (h *Web) SetLang(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	l := i18n.Parse(c.FormValue("lang"))
	if l == "" {
		return apperr.InvalidField("lang", "validate.enum")
	}
	if c.P != nil {
		if err := h.svc.SetLocale(c.Context(), c.P, string(l)); err != nil {
			return err
		}
	}
	http.SetCookie(c.W, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: c.R.TLS != nil})
	return c.Redirect(safeNext(c.FormValue("next")))
}

type settingsPage struct {
	web.Base
	Tokens   []APIToken
	NewToken string
	Errors   map[string]string
	// Sections other services add (notification e-mail …).
	Sections []template.HTML
}

func (h *Web) settings(c *web.Ctx, status int, newToken string, errs map[string]string) error {
	toks, err := h.svc.ListTokens(c.Context(), c.P)
	if err != nil {
		return err
	}
	vm := settingsPage{Base: c.Base("settings.title"), Tokens: toks, NewToken: newToken, Errors: errs, Sections: c.SettingsSections()}
	vm.Section = "settings"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(status, "auth/settings.html", vm)
}

func (h *Web) Settings(c *web.Ctx) error { return h.settings(c, http.StatusOK, "", nil) }

func (h *Web) ChangePassword(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	err := h.svc.ChangePassword(c.Context(), c.P, c.FormValue("current_password"), c.FormValue("new_password"))
	if fe := c.FieldErrors(err); fe != nil {
		return h.settings(c, http.StatusBadRequest, "", fe)
	}
	if err != nil {
		return err
	}
	c.Flash("settings.password_changed")
	return c.Redirect("/login")
}

func (h *Web) CreateToken(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	plain, _, err := h.svc.CreateToken(c.Context(), c.P, 0, TokenInput{Name: c.FormValue("name")})
	if fe := c.FieldErrors(err); fe != nil {
		return h.settings(c, http.StatusBadRequest, "", fe)
	}
	if err != nil {
		return err
	}
	// Shown once, on this response only; never stored in plain text.
	return h.settings(c, http.StatusOK, plain, nil)
}

func (h *Web) RevokeToken(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeToken(c.Context(), c.P, id); err != nil {
		return err
	}
	c.Flash("settings.token_revoked")
	return c.Redirect("/settings")
}

type usersPage struct {
	web.Base
	Users     []User
	Companies []Company
	Roles     []access.Role
	In        UserInput
	Errors    map[string]string
	Created   string // one-time password of a user just created
}

func (h *Web) users(c *web.Ctx, status int, in UserInput, errs map[string]string, created string) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	users, err := h.svc.ListUsers(c.Context(), c.P, 0)
	if err != nil {
		return err
	}
	cos, err := h.svc.ListCompanies(c.Context(), c.P)
	if err != nil {
		return err
	}
	vm := usersPage{Base: c.Base("users.title"), Users: users, Companies: cos, In: in, Errors: errs, Created: created,
		Roles: append(append([]access.Role{}, access.VendorRoles...), access.CustomerRoles...)}
	vm.Section = "users"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(status, "auth/users.html", vm)
}

func (h *Web) Users(c *web.Ctx) error { return h.users(c, http.StatusOK, UserInput{}, nil, "") }

func (h *Web) CreateUser(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := UserInput{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role"), Admin: c.FormValue("admin") == "on"}
	in.CompanyID, _ = strconv.ParseInt(c.FormValue("company_id"), 10, 64)
	in.Password = RandomPassword()
	u, err := h.svc.CreateUser(c.Context(), c.P, in)
	if fe := c.FieldErrors(err); fe != nil {
		in.Password = ""
		return h.users(c, http.StatusBadRequest, in, fe, "")
	}
	if err != nil {
		return err
	}
	return h.users(c, http.StatusOK, UserInput{}, nil, u.Email+" / "+in.Password)
}

// ResetPassword shows a new one-time password for an account.
func (h *Web) ResetPassword(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pw, err := h.svc.ResetPassword(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	u, err := h.svc.GetUser(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return h.users(c, http.StatusOK, UserInput{}, nil, u.Email+" / "+pw)
}

// SetDisabled locks or unlocks an account.
func (h *Web) SetDisabled(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "true"
	u, err := h.svc.SetDisabled(c.Context(), c.P, id, disabled)
	if err != nil {
		return err
	}
	if disabled {
		c.Flash("users.disabled_done", u.Name)
	} else {
		c.Flash("users.enabled_done", u.Name)
	}
	return c.Redirect("/admin/users")
}

type companiesPage struct {
	web.Base
	Companies []Company
	In        CompanyInput
	Errors    map[string]string
}

func (h *Web) companies(c *web.Ctx, status int, in CompanyInput, errs map[string]string) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	cos, err := h.svc.ListCompanies(c.Context(), c.P)
	if err != nil {
		return err
	}
	vm := companiesPage{Base: c.Base("companies.title"), Companies: cos, In: in, Errors: errs}
	vm.Section = "companies"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(status, "auth/companies.html", vm)
}

func (h *Web) Companies(c *web.Ctx) error { return h.companies(c, http.StatusOK, CompanyInput{}, nil) }

func (h *Web) CreateCompany(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := CompanyInput{Name: c.FormValue("name"), Kind: "customer"}
	_, err := h.svc.CreateCompany(c.Context(), c.P, in)
	if fe := c.FieldErrors(err); fe != nil {
		return h.companies(c, http.StatusBadRequest, in, fe)
	}
	if err != nil {
		return err
	}
	c.Flash("companies.created", in.Name)
	return c.Redirect("/admin/companies")
}

// Home sends people to the project list (or the login page).
func (h *Web) Home(c *web.Ctx) error {
	if c.R.URL.Path != "/" {
		return apperr.NotFoundErr()
	}
	if c.P == nil {
		return c.Redirect("/login")
	}
	return c.Redirect("/projects")
}
