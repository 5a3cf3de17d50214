// Package funds is the fund centre (资金中心): contracts per project, their
// payment milestones, invoices issued and receipts, receivables with ageing,
// overdue alerts and the monthly cash-flow forecast.
//
// Money. Every amount is integer fen. A contract's amount is before tax
// (不含税); its tax rate is kept in basis points (tax_rate_bp: 600 = 6 %,
// the common rate for implementation services; 1300 = 13 % for goods);
// tax = amount × rate / 10000 rounded half-up to the fen (RoundTax). The
// customer pays amount + tax (价税合计, "total"), and the payment milestones
// share that total out: by share (share_bp, 3000 = 30 %) or by a fixed
// amount. Shares are turned into fen by cumulative half-up rounding, so the
// milestones always add up to the total exactly and none is negative
// (SplitShares).
//
// Due dates. A milestone is triggered by a date (its planned date), by the
// acceptance of a project milestone (methodology milestones, status done:
// its done date) or by a signed document (an accepted deliverable: the day
// it was accepted). The due date is the trigger's date plus the warranty
// period in months (质保金: acceptance + 12 months, say; a day past the end
// of a shorter month is clamped to its last day). A milestone whose trigger
// has not happened has no due date: it is "not due" and never ages; the
// forecast expects it on its planned date.
//
// Receivables. Outstanding = the milestone's amount − its receipts (never
// below 0); a milestone due as of a day and not fully paid is receivable,
// overdue from the day after its due date, and aged by the days past the
// due date: 0–30, 31–60, 61–90, over 90 (Bucket). A receipt larger than
// what is outstanding on its milestone is refused unless marked as a
// prepayment.
//
// Who sees what. Contract data (numbers, amounts, milestones, invoices,
// receipts, notes) is for the vendor PM, finance and administrators
// (funds.view; funds.manage changes it). The customer's PM and executive
// (funds.view_customer; key users are business users testing the system
// and are left out) see only their own company's contracts' payment
// schedule, invoices and what is due: no internal notes, no creator, no
// receipt references; another company's customer is answered 404 like any
// project they cannot see.
//
// Contract value and receivables are read by the cost centre through
// ContractValue and Receivables (no permission check: internal callers
// check their own). Planned costs for the forecast come from a hook
// (SetPlannedCosts) that app.go wires to the cost centre.
package funds
