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
	return errors.Join(errs...)
}
