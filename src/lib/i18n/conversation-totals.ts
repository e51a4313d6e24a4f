/**
 * A conversation's usage in one compact line ("12,345 tokens · $0.04"), for its header and its
 * sidebar tooltip. Tokens are everything sent and received (cached prompt tokens are part of the
 * prompt, reasoning tokens part of the completion). A request whose price was unknown is never
 * counted as $0: with none priced the cost is "unknown", with some it is the known part
 * "+ unknown".
 */
import type { UsageTotals } from '../domain/usage';
import { formatUsd } from '../models/pricing';
import { formatNumber, t } from './index.svelte';

/** Null when there is nothing to say (not read yet, or no request recorded). */
export function conversationTotalsText(totals: UsageTotals | null | undefined): string | null {
  if (!totals || totals.requests === 0) return null;
  const tokens = formatNumber(totals.promptTokens + totals.completionTokens);
  if (totals.unpricedRequests >= totals.requests)
    return t('conversation.totalsUnpriced', { tokens });
  const cost = formatUsd(totals.cost);
  return t(
    totals.unpricedRequests > 0 ? 'conversation.totalsPartlyPriced' : 'conversation.totals',
    { tokens, cost },
  );
}
