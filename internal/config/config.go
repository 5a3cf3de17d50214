// Package config loads golive's settings once, from flags with GOLIVE_*
// environment equivalents, and validates them. The Config is passed
// explicitly; nothing reads the environment later.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
)

// Config is every setting of a golive process.
type Config struct {
	Addr       string // listen address
	DataDir    string // SQLite file, uploads, backups
	DB         string // "" for SQLite in DataDir, or postgres://…
	Demo       bool   // load demo data into an empty database
	Dev        bool   // templates and static files from disk
	AdminEmail string // e-mail of the first administrator
	// ----- e-mail notifications (notify) -----
	BaseURL      string // public URL of this installation, for links in mails
	SMTPAddr     string // host:port; empty: no e-mail
	SMTPFrom     string // sender address
	SMTPUser     string // optional PLAIN authentication
	SMTPPassword string
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./golive-data", AdminEmail: "admin@golive.local"}
}

// env reads GOLIVE_<NAME>.
func env(name, def string) string {
	if v, ok := os.LookupEnv("GOLIVE_" + name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	switch strings.ToLower(env(name, "")) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

// Bind registers the flags on fs with defaults taken from the environment;
// flags given on the command line win over the environment.
func Bind(fs *flag.FlagSet, c *Config) {
	d := Default()
	fs.StringVar(&c.Addr, "addr", env("ADDR", d.Addr), "listen address (GOLIVE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", d.DataDir), "data directory for the SQLite database and files (GOLIVE_DATA_DIR)")
	fs.StringVar(&c.DB, "db", env("DB", ""), "database: empty for embedded SQLite, or postgres://user@host/db (GOLIVE_DB)")
	fs.BoolVar(&c.Demo, "demo", envBool("DEMO", false), "load demo data into an empty database (GOLIVE_DEMO)")
	fs.BoolVar(&c.Dev, "dev", envBool("DEV", false), "serve templates and static files from disk (GOLIVE_DEV)")
	fs.StringVar(&c.AdminEmail, "admin-email", env("ADMIN_EMAIL", d.AdminEmail), "e-mail of the administrator created on first start (GOLIVE_ADMIN_EMAIL)")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of this installation for links in e-mails, e.g. https://golive.example.com (GOLIVE_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("SMTP_ADDR", ""), "SMTP server host:port for notification e-mail; empty turns e-mail off (GOLIVE_SMTP_ADDR)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("SMTP_FROM", ""), "sender address of notification e-mail (GOLIVE_SMTP_FROM)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("SMTP_USER", ""), "SMTP user name, if the server wants authentication (GOLIVE_SMTP_USER)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", env("SMTP_PASSWORD", ""), "SMTP password (GOLIVE_SMTP_PASSWORD)")
}

// PublicURL is BaseURL, or http://Addr when none is set.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// Validate checks the settings and names the one that is wrong.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: want host:port", c.Addr))
	}
	if c.DB == "" && strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("--data-dir is empty"))
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("--db: want postgres://… (leave empty for SQLite)"))
	}
	if !strings.Contains(c.AdminEmail, "@") {
		errs = append(errs, fmt.Errorf("--admin-email %q is not an e-mail address", c.AdminEmail))
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-addr %q: want host:port", c.SMTPAddr))
		}
		if !strings.Contains(c.SMTPFrom, "@") {
			errs = append(errs, fmt.Errorf("--smtp-from %q: an e-mail address is needed when --smtp-addr is set", c.SMTPFrom))
		}
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		errs = append(errs, fmt.Errorf("--base-url %q: want http://… or https://…", c.BaseURL))
	}
	return errors.Join(errs...)
}
