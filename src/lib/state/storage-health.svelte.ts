/**
 * How safe Parley's data is in this browser: space used and available, whether the browser has
 * promised not to evict it (`navigator.storage.persist()`), and whether a newer Parley in another
 * tab has taken the database over (this tab must reload).
 *
 * Persistence is asked for once per page, on the person's first interaction: Chrome and Safari
 * decide silently from engagement, but Firefox shows a permission prompt, which it only allows
 * after a user gesture and which would be rude before anything was typed.
 */

/** The part of `navigator.storage` used here; any method may be missing in older browsers. */
export interface StorageManagerLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
  estimate?: () => Promise<StorageEstimate>;
}

export class StorageHealth {
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #isPersisted = $state<boolean | null>(null);
  #isOutdated = $state(false);
  #hasAsked = false;
  readonly #storage: StorageManagerLike | undefined;

  constructor(storage: StorageManagerLike | undefined) {
    this.#storage = storage;
  }

  /** Bytes used by this origin, or null where the browser does not say. */
  get usage(): number | null {
    return this.#usage;
  }
  /** Bytes this origin may use in all (an estimate), or null. */
  get quota(): number | null {
    return this.#quota;
  }
  /** True: the browser will not evict the data on its own; null: it cannot say. */
  get isPersisted(): boolean | null {
    return this.#isPersisted;
  }
  /** A newer Parley in another tab upgraded the database: this tab's connection is closed. */
  get isOutdated(): boolean {
    return this.#isOutdated;
  }

  /** Reads usage, quota and persistence again. Never throws: unknown stays null. */
  async refresh(): Promise<void> {
    const storage = this.#storage;
    const [estimate, persisted] = await Promise.all([
      attempt(() => storage?.estimate?.()),
      attempt(() => storage?.persisted?.()),
    ]);
    this.#usage = finite(estimate?.usage);
    this.#quota = finite(estimate?.quota);
    if (typeof persisted === 'boolean') this.#isPersisted = persisted;
  }

  /** Asks the browser once per page to keep the data; later calls only re-read the answer. */
  async requestPersistence(): Promise<void> {
    if (this.#hasAsked || this.#isPersisted === true) return;
    this.#hasAsked = true;
    const granted = await attempt(() => this.#storage?.persist?.());
    if (typeof granted === 'boolean') this.#isPersisted = granted;
  }

  markOutdated(): void {
    this.#isOutdated = true;
  }
}

async function attempt<T>(read: () => Promise<T> | undefined): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    // Some browsers reject in private windows or on opaque origins: treat as unknown.
    return undefined;
  }
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
