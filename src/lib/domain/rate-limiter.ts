/**
 * Client-side rate limits: requests and tokens per minute, over a sliding 60-second window.
 * Asked before a request goes out, it says how long to wait so the request stays under both
 * limits, instead of letting the API answer 429. Pure apart from the injected clock.
 */
export const WINDOW_MS = 60_000;

export interface Limits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

interface Entry {
  at: number;
  tokens: number;
}

export class RateLimiter {
  #entries: Entry[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Milliseconds to wait before a request estimated at `tokens` fits under `limits` (0: now).
   * A request larger than the whole token limit only waits for an empty window, never forever.
   */
  waitMs(tokens: number, limits: Limits): number {
    const now = this.#now();
    this.#prune(now);
    let wait = 0;
    const rpm = limits.requestsPerMinute;
    if (rpm !== null && this.#entries.length >= rpm) {
      const oldest = this.#entries[this.#entries.length - rpm];
      if (oldest) wait = Math.max(wait, oldest.at + WINDOW_MS - now);
    }
    const tpm = limits.tokensPerMinute;
    if (tpm !== null) wait = Math.max(wait, this.#tokenWait(tokens, tpm, now));
    return Math.max(0, wait);
  }

  /** Counts a request that is going out now. */
  record(tokens: number): void {
    this.#entries.push({ at: this.#now(), tokens });
  }

  /** What the window holds now, for display. */
  usage(): { requests: number; tokens: number } {
    this.#prune(this.#now());
    return {
      requests: this.#entries.length,
      tokens: this.#entries.reduce((sum, e) => sum + e.tokens, 0),
    };
  }

  /** How long until enough of the window's tokens expire for `tokens` more to fit. */
  #tokenWait(tokens: number, tpm: number, now: number): number {
    const needed = Math.min(tokens, tpm);
    let used = this.#entries.reduce((sum, e) => sum + e.tokens, 0);
    for (const entry of this.#entries) {
      if (used + needed <= tpm) break;
      used -= entry.tokens;
      if (used + needed <= tpm) return entry.at + WINDOW_MS - now;
    }
    return 0;
  }

  #prune(now: number): void {
    this.#entries = this.#entries.filter((e) => e.at > now - WINDOW_MS);
  }
}

/**
 * Tokens a request will count against a tokens-per-minute limit, as OpenAI counts it for rate
 * limiting: the prompt (about four characters a token) plus the most the reply may use. Without
 * max tokens, OpenAI counts the model's output limit; `fallbackOutput` stands in for it.
 */
export function estimateRequestTokens(
  messages: readonly { content: string }[],
  maxTokens: number | undefined,
  fallbackOutput: number,
  n = 1,
): number {
  const prompt = messages.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 4, 0);
  return prompt + (maxTokens ?? fallbackOutput) * n;
}

/** Starting points for the limits, after OpenAI's usage tiers (gpt-4o-mini); all editable. */
export const LIMIT_TIERS = [
  { id: 'free', requestsPerMinute: 3, tokensPerMinute: 40_000 },
  { id: 'tier1', requestsPerMinute: 500, tokensPerMinute: 200_000 },
  { id: 'tier2', requestsPerMinute: 5_000, tokensPerMinute: 2_000_000 },
  { id: 'tier3', requestsPerMinute: 5_000, tokensPerMinute: 4_000_000 },
  { id: 'tier4', requestsPerMinute: 10_000, tokensPerMinute: 10_000_000 },
  { id: 'tier5', requestsPerMinute: 30_000, tokensPerMinute: 150_000_000 },
] as const satisfies readonly { id: string; requestsPerMinute: number; tokensPerMinute: number }[];
