// Package auth owns accounts: companies (the vendor that runs this
// instance and its customers), users with argon2id passwords, server-side
// sessions stored in the database (so several processes share them), API
// tokens stored hashed, and login throttling. It turns a session cookie or
// a bearer token into an access.Principal.
//
// Who may do what here: administrators manage companies and users; any
// user changes their own password, language and tokens; vendor staff may
// read the user directory to add project members; customer users see only
// their own company.
package auth
