// Package research is requirements research (需求调研): the instruments a
// consultant uses before any requirement is written down.
//
// Entities:
//   - Template: an instance-wide questionnaire (sections of questions:
//     short text, long text, single choice, multiple choice, 1–5 scale,
//     table with fixed columns; required flag). Vendor accounts read the
//     library; vendor PMs, consultants and administrators keep it; two
//     standard templates ship as embedded JSON (builtin/).
//   - Questionnaire: a project's copy of a template, editable while a
//     draft, frozen once sent to the project's customer PM and key users.
//   - Response: one recipient's answers (pending → draft → submitted);
//     checked against the questions on every save; locked once submitted
//     until a consultant reopens it. Vendor staff read submitted answers
//     per person and aggregated per question; a draft is its author's.
//   - Record: an interview or a site observation (who, when, where,
//     participants, notes), internal by default; comments and attachments
//     through internal/discuss.
//   - Candidate: a sentence of a record's notes or a submitted answer handed
//     to the requirement pool (SetCandidateSink); which source became which
//     requirement is kept here so pages link to it.
//
// Who may see what: customers see only questionnaires sent to them and
// records not marked internal (anything else is not found); another
// company's people see nothing. Every change is audited in its transaction.
package research
