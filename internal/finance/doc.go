// Package finance keeps the money side of a project that is not the
// contract: rate cards (per role and per person, cost and billing rate,
// each valid from a date), day-labor rates by trade (工种) and unit,
// subcontractors and their day workers, budgets by category and phase with
// a contingency reserve and versions, labor records (点工/工时) with
// submission, approval, locking and reversal, closed months, and expenses
// with receipts.
//
// Actual cost = approved labor × the rate valid on the day + approved
// expenses (Actuals). Rounding is explicit and per record: the quantity is
// kept in hundredths (qty_centi) and the cost of a record is
// qty_centi × rate / 100 rounded half away from zero to the fen (so a
// reversal cancels its original exactly); a day rate used for hours, or an
// hour rate used for days, converts at 8 hours per day in the same single
// division. Costs are then summed; a sum is never rounded again.
//
// Rate lookup for a record on day D (the row with the greatest
// valid_from_date <= D at each step):
//  1. the person's own rate card (the user, or the day worker);
//  2. for a day worker: the trade rate of the record's trade, same unit,
//     then the other unit (converted);
//  3. for a user: the rate card of their role on the project (their
//     account role when they are not a member), then the trade rate.
//
// Without any rate the record costs 0 and is reported as unrated.
//
// Costs, rates and budgets are for access.CostView (vendor PM, finance,
// admin); customers never receive them.
package finance
