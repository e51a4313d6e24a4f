/**
 * UsageState arrives after the first paint: its code (aggregation, CSV, price sources) and the
 * usage repository are a few kilobytes the first screen does not need, and the first load has a
 * 60 KB budget. Everything that uses it is already asynchronous (recording after a reply, the
 * budget check before a send) or lazy itself (the Usage dialog, the chat view), so they ask
 * `load()` or read `current`, which becomes the state once it is here.
 */
import type { UsageState } from './usage.svelte';

export class LazyUsage {
  #current = $state.raw<UsageState | null>(null);
  #loading: Promise<UsageState> | null = null;
  readonly #create: () => Promise<UsageState>;

  constructor(create: () => Promise<UsageState>) {
    this.#create = create;
  }

  /** The state once loaded (reactive), else null. */
  get current(): UsageState | null {
    return this.#current;
  }

  /** Loads it once; a failed load (offline before the chunk was cached) is tried again next time. */
  load(): Promise<UsageState> {
    this.#loading ??= this.#create().then(
      (state) => (this.#current = state),
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }
}
