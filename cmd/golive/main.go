// Command golive runs the implementation-project platform.
//
//	golive serve [--addr …] [--data-dir …] [--db postgres://…] [--demo] [--dev]
//	golive migrate | version | openapi | backup [FILE]
//	golive user create --email … --name … --company … --role … [--admin]   (password on stdin)
//	golive user passwd --email …                                          (password on stdin)
//	golive token create --email … [--name …]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/demo"
	"golive/internal/i18n"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "golive:", err)
		os.Exit(exitCode(err))
	}
}

const usage = `golive — implementation projects from kick-off to hypercare

Commands:
  serve          start the web application
  migrate        apply database migrations and exit
  user create    create an account (password read from stdin)
  user passwd    set an account's password (read from stdin)
  token create   print a new API token for a user
  data validate  cleanse and validate a migration file offline (exit 1: rows rejected)
  backup [FILE]  SQLite: write a consistent copy (VACUUM INTO)
  openapi        print the OpenAPI document
  version        print the version

Run "golive COMMAND -h" for the flags of a command.`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "token") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return withApp(ctx, "migrate", rest, stderr, nil, func(a *app.App, rest []string) error {
			fmt.Fprintln(stdout, "database is up to date")
			return nil
		})
	case "version":
		fmt.Fprintln(stdout, "golive", app.Version)
		return nil
	case "openapi":
		cfg := config.Default()
		cfg.DataDir = filepath.Join(os.TempDir(), fmt.Sprintf("golive-openapi-%d", os.Getpid()))
		defer os.RemoveAll(cfg.DataDir)
		a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
		if err != nil {
			return err
		}
		defer a.Close()
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a.OpenAPI())
	case "backup":
		return backup(ctx, rest, stdout, stderr)
	case "user create":
		return userCreate(ctx, rest, stdin, stdout, stderr)
	case "user passwd":
		return userPasswd(ctx, rest, stdin, stdout, stderr)
	case "token create":
		return tokenCreate(ctx, rest, stdout, stderr)
	case "data":
		return dataCommand(ctx, rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// withApp parses the common flags plus extra ones, opens the app, runs fn.
func withApp(ctx context.Context, name string, args []string, stderr io.Writer, extra func(*flag.FlagSet), fn func(a *app.App, rest []string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config.Config
	config.Bind(fs, &cfg)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, newLogger(stderr), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a, fs.Args())
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config.Config
	config.Bind(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log, app.Options{Bootstrap: true, OnAdmin: func(email, pw string) {
		fmt.Fprintf(stdout, "\n  首次启动：已创建系统管理员 / First start: administrator created\n    e-mail:   %s\n    password: %s\n  此密码只显示这一次 / This password is shown once.\n\n", email, pw)
	}})
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.Demo {
		loaded, err := demo.Load(ctx, a)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if loaded {
			fmt.Fprint(stdout, demo.Credentials())
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	// Event streams never finish on their own: closing the broker ends them
	// so that Shutdown waits only for ordinary requests.
	srv.RegisterOnShutdown(a.Live.Close)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("golive ready", "addr", "http://"+ln.Addr().String(), "db", a.DB.Dialect(), "startup_ms", time.Since(start).Milliseconds(), "version", app.Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withApp(ctx, "backup", args, stderr, nil, func(a *app.App, rest []string) error {
		if a.DB.Dialect() == db.Postgres {
			return errors.New("PostgreSQL: back up with pg_dump, e.g. pg_dump --format=custom --file=golive.dump DBNAME")
		}
		target := ""
		if len(rest) > 0 {
			target = rest[0]
		} else {
			target = filepath.Join(a.Config.DataDir, "backup-"+time.Now().Format("20060102-150405")+".db")
		}
		if _, err := os.Stat(target); err == nil {
			return fmt.Errorf("%s exists: choose a new file name", target)
		}
		if _, err := a.DB.Writer().ExecContext(ctx, "VACUUM INTO ?", target); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintln(stdout, "backup written to", target)
		return nil
	})
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on stdin (e.g. echo 'secret-passphrase' | golive user create …)")
	}
	return pw, nil
}

func userCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email, name, company, role string
	var admin bool
	return withApp(ctx, "user create", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail (login)")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&company, "company", "", "company name; empty for the vendor; a new customer company is created if unknown")
		fs.StringVar(&role, "role", "consultant", "pm, consultant, developer, finance, admin, customer_pm, key_user, executive")
		fs.BoolVar(&admin, "admin", false, "system administrator")
	}, func(a *app.App, rest []string) error {
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		companyID, err := companyFor(ctx, a, company)
		if err != nil {
			return err
		}
		u, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Email: email, Name: name, CompanyID: companyID, Role: role, Admin: admin, Password: pw})
		if err != nil {
			return cliErr(err)
		}
		fmt.Fprintf(stdout, "created user %d %s (%s, %s)\n", u.ID, u.Email, u.CompanyName, u.Role)
		return nil
	})
}

func companyFor(ctx context.Context, a *app.App, name string) (int64, error) {
	if name == "" {
		v, err := a.Auth.VendorCompany(ctx)
		if err != nil {
			v, err = a.Auth.CreateCompany(ctx, nil, auth.CompanyInput{Name: "实施服务商", Kind: "vendor"})
		}
		return v.ID, cliErr(err)
	}
	all, err := a.Auth.ListCompanies(ctx, &access.Principal{Vendor: true})
	if err != nil {
		return 0, err
	}
	for _, c := range all {
		if c.Name == name {
			return c.ID, nil
		}
	}
	c, err := a.Auth.CreateCompany(ctx, nil, auth.CompanyInput{Name: name, Kind: "customer"})
	return c.ID, cliErr(err)
}

func userPasswd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email string
	return withApp(ctx, "user passwd", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail of the account")
	}, func(a *app.App, rest []string) error {
		u, err := a.Auth.UserByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("no account with e-mail %q", email)
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := a.Auth.SetPassword(ctx, nil, u.ID, pw); err != nil {
			return cliErr(err)
		}
		fmt.Fprintln(stdout, "password changed for", u.Email, "(their sessions were ended)")
		return nil
	})
}

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var email, name string
	return withApp(ctx, "token create", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail of the account the token acts as")
		fs.StringVar(&name, "name", "", "a name to recognise the token by")
	}, func(a *app.App, rest []string) error {
		u, err := a.Auth.UserByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("no account with e-mail %q", email)
		}
		plain, _, err := a.Auth.CreateToken(ctx, nil, u.ID, auth.TokenInput{Name: name})
		if err != nil {
			return cliErr(err)
		}
		fmt.Fprintln(stdout, plain)
		return nil
	})
}

// cliErr renders a validation error for the terminal, naming the fields.
func cliErr(err error) error {
	if err == nil {
		return nil
	}
	e := apperr.As(err)
	msg := i18n.T(i18n.EN, e.Key, e.Args...)
	for f, key := range e.Fields {
		msg += fmt.Sprintf("\n  --%s: %s", f, i18n.T(i18n.EN, key, e.FieldArgs[f]...))
	}
	return errors.New(msg)
}
