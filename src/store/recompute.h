// RecomputeCosts: re-prices every stored assistant message with a new price book and brings
// every derived cost (session totals, usage_rollup, model_rollup, prompt_rollup, subagents)
// in line, in one transaction. Called when the user changes the price book (POST
// /api/config). Uses the write connection; throws DbError (the transaction then rolls back
// and the old costs stay).
#pragma once
#include "core/pricing.h"
#include "store/db.h"

namespace cs {

// Returns the number of messages whose cost changed.
int64_t RecomputeCosts(Db& db, const PriceBook& prices);

}  // namespace cs
