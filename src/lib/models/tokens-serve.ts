/**
 * The worker side of tokens.ts: answers each batch of texts with their counts. Special-token
 * text such as `<|endoftext|>` in a message is counted as the plain text it is: the API does
 * not read special tokens from message content either.
 */
import type { CountRequest, CountResponse } from './tokens';

type Count = (text: string, options: { disallowedSpecial: Set<string> }) => number;

const PLAIN = { disallowedSpecial: new Set<string>() };

/** What a dedicated worker's global scope offers (the app's tsconfig has DOM types, not webworker). */
export interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<CountRequest>) => void): void;
  postMessage(message: CountResponse): void;
}

export function countAll(count: Count, texts: readonly string[]): number[] {
  return texts.map((text) => (text === '' ? 0 : count(text, PLAIN)));
}

export function serve(scope: WorkerScope, count: Count): void {
  scope.addEventListener('message', (event: MessageEvent<CountRequest>) => {
    const { id, texts } = event.data;
    let response: CountResponse;
    try {
      response = { id, counts: countAll(count, texts) };
    } catch (error) {
      response = { id, error: error instanceof Error ? error.message : String(error) };
    }
    scope.postMessage(response);
  });
}
