// Package discuss is the platform's comments and attachments service: a
// thread and a file list on any object a module names by (kind, id) —
// tasks now; requirements, change requests and tickets later.
//
// discuss imports no module. Each module registers a Resolver for its kind
// at start-up (in app.go). Given the caller and an object id, the resolver
// says which project the object belongs to, whether the caller may see it
// (it returns not_found otherwise, so discuss never reveals an object the
// caller cannot open), whether they may comment and moderate, whether
// customers may see the object at all, and who follows it (assignees,
// watchers) so that a comment reaches them.
//
// Rules:
//   - An internal comment or attachment is for vendor staff only: never
//     listed, counted, notified or exported to a customer account.
//   - @mentions (@显示名 or @email) resolve only to live members of the
//     object's project who can see the object — and, for an internal
//     comment or an object customers cannot see, only to vendor members.
//   - Only the author edits a comment (with its version: stale is 409);
//     the author or a moderator (the module says who: for tasks the PM)
//     deletes it; deletes are soft and restored through the trash.
//   - An upload is streamed to a temporary file, hashed and sniffed, then
//     stored in the database (blobs, deduplicated by SHA-256) so that every
//     process behind a load balancer can serve it. Files over the limit
//     (20 MiB by default) are refused before anything is written.
//   - Every change is audited in its transaction; notifications (through
//     notify) are written in the same transaction.
package discuss
