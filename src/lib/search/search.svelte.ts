/**
 * The sidebar's full-text search as the page sees it: what was typed, the results, the one
 * highlighted with the arrow keys. Everything heavy happens in the search worker (worker.ts),
 * started at the first keystroke in the search box, so neither the first load nor typing pays
 * for the index.
 *
 * A query goes to the worker at once, unless one went less than SEND_INTERVAL_MS ago: then the
 * newest text goes when that interval ends. So a search typed at a normal pace is answered at each
 * keystroke, and a fast typist's burst costs one query per interval, never one per key. Each has an
 * increasing id; the worker stops working on a query once a newer one arrives, and an answer to
 * anything but the newest is dropped. Writes to conversations are forwarded to the worker, and a
 * query on screen is asked again so its results follow new messages.
 */
import type { StoreChange } from '../storage';
import type { SearchHit } from './engine';
import type { FromWorker, ToWorker } from './protocol';

/** The part of a Worker used here; tests pass a fake. */
export interface SearchWorker {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
}

export interface SearchDependencies {
  startWorker: () => SearchWorker;
  /**
   * The conversations the sidebar's own list already shows for this query (title matches):
   * their passages are left out of the results so no conversation is listed twice.
   */
  listedByTitle: (query: string) => string[];
  /** Opens the hit's conversation on the branch holding its message and marks the message. */
  open: (hit: SearchHit) => Promise<void>;
  report: (error: unknown) => void;
  sendIntervalMs?: number;
}

/**
 * The least time between two queries sent: a fast typist's keys come closer together than this,
 * so a word typed in one burst is searched about once, not once per key.
 */
const SEND_INTERVAL_MS = 60;

export class SearchState {
  #query = $state('');
  #results = $state.raw<readonly SearchHit[]>([]);
  /** The query the shown results answer. */
  #answered = $state<string | null>(null);
  #activeIndex = $state(-1);
  #hasFailed = $state(false);
  readonly #deps: SearchDependencies;
  readonly #sendIntervalMs: number;
  #worker: SearchWorker | null = null;
  #lastId = 0;
  #sentQuery = '';
  #sentAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: SearchDependencies) {
    this.#deps = deps;
    this.#sendIntervalMs = deps.sendIntervalMs ?? SEND_INTERVAL_MS;
  }

  get query(): string {
    return this.#query;
  }
  set query(value: string) {
    this.#query = value;
    this.#activeIndex = -1;
    if (value.trim() === '') {
      clearTimeout(this.#timer);
      this.#results = [];
      this.#answered = null;
      return;
    }
    // Started at the first keystroke: the worker loads (and opens the databases) while the
    // person is still typing; a query sent meanwhile waits in its message queue.
    try {
      this.#ensureWorker();
    } catch {
      // Said by #send, which tries again when the query goes out.
    }
    this.#schedule();
  }

  /** Something is typed: results (or "no matches") are shown. */
  get isActive(): boolean {
    return this.#query.trim() !== '';
  }

  get results(): readonly SearchHit[] {
    return this.#results;
  }

  /** The results shown are for an earlier query; newer ones are on their way. */
  get isPending(): boolean {
    return this.isActive && this.#answered !== this.#query;
  }

  get hasFailed(): boolean {
    return this.#hasFailed;
  }

  /** The result the arrow keys are on (-1: none, the search box has the focus). */
  get activeIndex(): number {
    return this.#activeIndex;
  }

  /** Moves through the results; above the first is the search box again (-1). */
  move(step: -1 | 1): number {
    const count = this.#results.length;
    if (count === 0) return (this.#activeIndex = -1);
    this.#activeIndex = Math.max(-1, Math.min(count - 1, this.#activeIndex + step));
    return this.#activeIndex;
  }

  /** A result got the focus (clicked into, tabbed to). */
  highlight(index: number): void {
    if (index >= -1 && index < this.#results.length) this.#activeIndex = index;
  }

  async choose(index: number): Promise<void> {
    const hit = this.#results[index];
    if (!hit) return;
    this.#activeIndex = index;
    try {
      await this.#deps.open(hit);
    } catch (error) {
      this.#deps.report(error);
    }
  }

  /** A committed write (any tab): the index reads it, and shown results are asked again. */
  notify(change: StoreChange): void {
    const ids = changedConversations(change);
    if (ids === null) return;
    this.#worker?.postMessage({ type: 'changed', ids });
    if (this.isActive) this.#schedule();
  }

  /** Sends the query now, or when the interval since the last one sent ends. */
  #schedule(): void {
    clearTimeout(this.#timer);
    const wait = this.#sentAt + this.#sendIntervalMs - Date.now();
    if (wait <= 0) this.#send();
    else this.#timer = setTimeout(() => this.#send(), wait);
  }

  #send(): void {
    const text = this.#query;
    if (text.trim() === '') return;
    this.#sentAt = Date.now();
    let worker: SearchWorker;
    try {
      worker = this.#ensureWorker();
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#lastId += 1;
    this.#sentQuery = text;
    worker.postMessage({
      type: 'search',
      id: this.#lastId,
      text,
      exclude: this.#deps.listedByTitle(text),
    });
  }

  #ensureWorker(): SearchWorker {
    if (this.#worker) return this.#worker;
    const worker = this.#deps.startWorker();
    worker.addEventListener('message', (event) => this.#receive(event.data));
    worker.addEventListener('error', () => this.#fail(new Error('The search worker stopped.')));
    this.#worker = worker;
    return worker;
  }

  #receive(message: FromWorker): void {
    if (message.id !== this.#lastId) return;
    switch (message.type) {
      case 'results':
        this.#hasFailed = false;
        this.#results = message.hits;
        this.#answered = this.#sentQuery;
        if (this.#activeIndex >= message.hits.length) this.#activeIndex = -1;
        return;
      case 'failed':
        this.#fail(new Error(message.message));
        return;
    }
  }

  #fail(error: unknown): void {
    this.#hasFailed = true;
    this.#answered = this.#query;
    this.#results = [];
    this.#deps.report(error);
  }
}

/** The conversations a change may have altered the text of; null if none (presets, settings). */
function changedConversations(change: StoreChange): string[] | 'all' | null {
  switch (change.type) {
    case 'conversation':
      return [change.id];
    case 'messages':
      return [change.conversationId];
    case 'imported':
      return 'all';
    default:
      return null;
  }
}
