// Package notify is the notifications centre, a platform service: one row
// per recipient (a catalog key and its parameters, so it renders in the
// reader's language), an unread badge in the page header, a page and an
// API to read and mark them, and optional e-mail.
//
// Writers call Add inside their own transaction, so a notification exists
// exactly when the change that caused it committed. A mail for a recipient
// who asked for e-mail is written to mail_outbox in the same transaction
// and sent after commit by a sender loop; a process claims a row with an
// UPDATE … WHERE claimed_ms IS NULL before sending it, so several
// processes behind a load balancer never send the same mail twice, and a
// failed send is retried with backoff (nothing is lost while the SMTP
// server is down).
//
// notify imports no module: callers hand it recipients, a key, parameters
// and a link; who may be told what is the caller's decision.
package notify
