/**
 * A state object whose code arrives after the first paint (the first load has a 60 KB budget):
 * `load()` builds it once, `current` is it once here (reactive). A failed load (offline before the
 * chunk was cached) is tried again on the next call.
 */
export class Lazy<T> {
  #current = $state.raw<T | null>(null);
  #loading: Promise<T> | null = null;
  readonly #create: () => Promise<T>;

  constructor(create: () => Promise<T>) {
    this.#create = create;
  }

  get current(): T | null {
    return this.#current;
  }

  load(): Promise<T> {
    this.#loading ??= this.#create().then(
      (value) => (this.#current = value),
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }
}
