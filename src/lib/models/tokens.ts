/**
 * Counting the tokens a request sends, as OpenAI counts them, without slowing typing down.
 *
 * - Encoding: o200k_base for GPT-4o, 4.1, 4.5, 5 and the o-series; cl100k_base for GPT-3.5 and
 *   GPT-4 (turbo included). Any other model is counted with o200k_base and marked approximate:
 *   other vendors' tokenizers differ, but by tens of percent, not by orders of magnitude.
 * - Chat overhead (OpenAI cookbook, "How to count tokens with tiktoken"): every message costs 3
 *   tokens besides its role and content, and every reply is primed with 3 more.
 * - Speed: the rank tables (1 to 2.4 MB) load in a Web Worker, never on the page, and the page
 *   keeps a count per distinct text, so a keystroke in a 1,000-message conversation sends one
 *   text (the draft) to the worker and sums cached numbers for the rest.
 */
import { baseId, canonicalId } from './infer';

export type Encoding = 'o200k_base' | 'cl100k_base';

export interface EncodingChoice {
  encoding: Encoding;
  /** True when the model's own tokenizer is not known and o200k_base stands in for it. */
  isApproximate: boolean;
}

const O200K = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o\d)(\b|-|\.|$)/;
const CL100K = /^(gpt-3\.5|gpt-4)(-|$)/;

export function encodingFor(model: string): EncodingChoice {
  const id = baseId(canonicalId(model));
  if (O200K.test(id)) return { encoding: 'o200k_base', isApproximate: false };
  if (CL100K.test(id)) return { encoding: 'cl100k_base', isApproximate: false };
  return { encoding: 'o200k_base', isApproximate: true };
}

/** Tokens per message besides its role and content, and the reply's priming (OpenAI's count). */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

export interface ChatMessageText {
  role: string;
  content: string;
}

/** The prompt tokens of `messages` given a count per text. An empty request sends nothing. */
export function chatTokens(
  messages: readonly ChatMessageText[],
  count: (text: string) => number,
): number {
  if (messages.length === 0) return 0;
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + count(message.role) + count(message.content);
  }
  return total;
}

/** Counts texts with one encoding: in a worker in the browser, in-process in tests. */
export type CountTexts = (encoding: Encoding, texts: readonly string[]) => Promise<number[]>;

export interface TokenEstimate {
  tokens: number;
  isApproximate: boolean;
  encoding: Encoding;
}

/**
 * Counts requests with a cache per encoding. Texts that did not change (every message but the
 * draft) are never sent to the counter again; the cache is pruned to the texts of the latest
 * request once it has grown well past them (each keystroke leaves one stale draft behind).
 */
export class TokenEstimator {
  readonly #countTexts: CountTexts;
  readonly #caches: Record<Encoding, Map<string, number>> = {
    o200k_base: new Map(),
    cl100k_base: new Map(),
  };

  constructor(countTexts: CountTexts) {
    this.#countTexts = countTexts;
  }

  async estimate(messages: readonly ChatMessageText[], model: string): Promise<TokenEstimate> {
    const { encoding, isApproximate } = encodingFor(model);
    const cache = this.#caches[encoding];
    const missing = new Set<string>();
    for (const message of messages) {
      if (!cache.has(message.role)) missing.add(message.role);
      if (!cache.has(message.content)) missing.add(message.content);
    }
    if (missing.size > 0) {
      const texts = [...missing];
      const counts = await this.#countTexts(encoding, texts);
      texts.forEach((text, index) => cache.set(text, counts[index] ?? 0));
    }
    const tokens = chatTokens(messages, (text) => cache.get(text) ?? 0);
    this.#prune(cache, messages);
    return { tokens, isApproximate, encoding };
  }

  #prune(cache: Map<string, number>, messages: readonly ChatMessageText[]): void {
    if (cache.size <= messages.length * 2 + 256) return;
    const kept = new Map<string, number>();
    for (const { role, content } of messages) {
      for (const text of [role, content]) {
        const count = cache.get(text);
        if (count !== undefined) kept.set(text, count);
      }
    }
    cache.clear();
    for (const [text, count] of kept) cache.set(text, count);
  }
}

/** The worker protocol: a batch of texts in, their counts out, matched by id. */
export interface CountRequest {
  id: number;
  texts: readonly string[];
}
export interface CountResponse {
  id: number;
  counts?: number[];
  error?: string;
}

/**
 * A CountTexts over one worker per encoding, each started on first use. A worker that fails to
 * start (offline before its chunk was cached) rejects the counts; the next call starts it again.
 */
export function workerCounter(start: (encoding: Encoding) => Worker): CountTexts {
  const workers = new Map<Encoding, Worker>();
  const pending = new Map<
    number,
    { resolve: (counts: number[]) => void; reject: (error: Error) => void }
  >();
  let nextId = 0;

  function failAll(encoding: Encoding, reason: string): void {
    workers.get(encoding)?.terminate();
    workers.delete(encoding);
    for (const [id, waiting] of pending) {
      pending.delete(id);
      waiting.reject(new Error(reason));
    }
  }

  function workerFor(encoding: Encoding): Worker {
    let worker = workers.get(encoding);
    if (worker) return worker;
    worker = start(encoding);
    worker.addEventListener('message', (event: MessageEvent<CountResponse>) => {
      const { id, counts, error } = event.data;
      const waiting = pending.get(id);
      if (!waiting) return;
      pending.delete(id);
      if (counts) waiting.resolve(counts);
      else waiting.reject(new Error(error ?? 'Counting failed.'));
    });
    worker.addEventListener('error', () => failAll(encoding, 'The token counter could not start.'));
    workers.set(encoding, worker);
    return worker;
  }

  return (encoding, texts) =>
    new Promise<number[]>((resolve, reject) => {
      const id = (nextId += 1);
      pending.set(id, { resolve, reject });
      workerFor(encoding).postMessage({ id, texts } satisfies CountRequest);
    });
}

let shared: TokenEstimator | null = null;

/** The page's estimator: one worker per encoding, started when a count is first needed. */
export function sharedEstimator(): TokenEstimator {
  shared ??= new TokenEstimator(
    workerCounter((encoding) =>
      encoding === 'o200k_base'
        ? new Worker(new URL('./tokens-o200k.worker.ts', import.meta.url), { type: 'module' })
        : new Worker(new URL('./tokens-cl100k.worker.ts', import.meta.url), { type: 'module' }),
    ),
  );
  return shared;
}
