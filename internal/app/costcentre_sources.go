package app

import "golive/internal/costcentre"

// costCentreSources connects the cost centre to the finance (labor,
// expenses, budget) and funds (contract, receivables) modules.
func costCentreSources(a *App) costcentre.Sources {
	return costcentre.Sources{}
}
