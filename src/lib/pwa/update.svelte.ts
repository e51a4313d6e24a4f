/**
 * The service worker's life as the page sees it: registered in production builds only, and when
 * a new version is installed and waiting, `isUpdateWaiting` turns true so the page can offer
 * "Reload to update". Nothing swaps versions behind the person's back: the waiting worker takes
 * over only when `update()` asks it to (vite-plugin-pwa's `prompt` mode, no skipWaiting).
 *
 * Once one tab has said yes, the new worker controls every open tab (the browser moves them all
 * over and fires `controllerchange`, which registerSW reports as `onNeedReload`). The new worker
 * has removed the old version's files from its cache and the host has them no more, so a tab
 * that keeps running the old code fails on its next lazy chunk: every tab reloads. The one that
 * said yes does so at once; the others wait until their own replies have finished streaming
 * (`holdReloadUntil`, fed with each stream's lifetime) and say so meanwhile.
 *
 * Chromium can set a switch aside: a fetch that reaches the old worker just as the new one is about
 * to take over leaves the new one waiting (w3c/ServiceWorker#1295). So the tab that said yes asks
 * again every few seconds until the new version controls it, and after a while says that it has
 * not yet and lets the person try again.
 *
 * A chunk that fails to load anyway (`vite:preloadError`: an update deployed while this tab was
 * open, before its worker noticed) turns `hasChunkFailed` true, so the page offers a reload
 * instead of a dialog that never opens. A tab left open for days asks for updates every hour.
 */
export type Register = (options: {
  onNeedRefresh: () => void;
  onNeedReload: () => void;
  onRegisteredSW: (swUrl: string, registration: ServiceWorkerRegistration | undefined) => void;
  onRegisterError: (error: unknown) => void;
}) => (reloadPage?: boolean) => Promise<void>;

export interface UpdateDeps {
  reload: () => void;
  /** Calls `check` every `ms` milliseconds (setInterval); tests pass a fake. */
  every: (ms: number, check: () => void) => void;
  /** Calls `then` once, after `ms` milliseconds (setTimeout); tests pass a fake. */
  after: (ms: number, then: () => void) => void;
}

export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** After a yes, how long between asks to the waiting version, and how many asks before giving up. */
export const TAKEOVER_RETRY_MS = 5000;
export const TAKEOVER_TRIES = 6;

const browserDeps: UpdateDeps = {
  reload: () => location.reload(),
  every: (ms, check) => void setInterval(check, ms),
  after: (ms, then) => void setTimeout(then, ms),
};

export class UpdateState {
  #isUpdateWaiting = $state(false);
  /** A new version controls this tab, which reloads once its streams end. */
  #isReloadPending = $state(false);
  #hasChunkFailed = $state(false);
  /** This tab said yes, asked the new version again and again, and it has not taken over. */
  #isTakeoverLate = $state(false);
  /** Counts the yeses, so that an old yes's retries stop when the person says yes again. */
  #attempt = 0;
  /** Replies of this tab still streaming. */
  #streams = 0;
  #hasAccepted = false;
  #hasReloaded = false;
  #activate: ((reloadPage?: boolean) => Promise<void>) | null = null;
  readonly #deps: UpdateDeps;

  constructor(deps: UpdateDeps = browserDeps) {
    this.#deps = deps;
  }

  get isUpdateWaiting(): boolean {
    return this.#isUpdateWaiting;
  }
  /** Another tab let a new version take over: this one reloads when its replies are done. */
  get isReloadPending(): boolean {
    return this.#isReloadPending;
  }
  /** The new version has not taken over after this tab's yes: the person may try again. */
  get isTakeoverLate(): boolean {
    return this.#isTakeoverLate;
  }
  /** Some of Parley's code could not be loaded: only a reload helps. */
  get hasChunkFailed(): boolean {
    return this.#hasChunkFailed;
  }

  /** Registers the worker through `register` (virtual:pwa-register's registerSW). */
  start(register: Register): void {
    this.#activate = register({
      onNeedRefresh: () => (this.#isUpdateWaiting = true),
      onNeedReload: () => this.newVersionControls(),
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        this.#deps.every(UPDATE_CHECK_INTERVAL_MS, () => {
          // Offline, or the host is down: the next hour asks again.
          registration.update().catch(() => undefined);
        });
      },
      // Without a worker Parley still works online; offline use is what is lost, not data.
      onRegisterError: () => undefined,
    });
  }

  /** Lets the waiting version take over; this page reloads once it controls it. */
  async update(): Promise<void> {
    if (!this.#activate) return;
    this.#hasAccepted = true;
    this.#isTakeoverLate = false;
    const attempt = ++this.#attempt;
    await this.#activate(true);
    this.#askAgain(attempt, TAKEOVER_TRIES - 1);
  }

  /** Until this page reloads, asks the waiting version to take over `left` more times. */
  #askAgain(attempt: number, left: number): void {
    this.#deps.after(TAKEOVER_RETRY_MS, () => {
      if (this.#hasReloaded || attempt !== this.#attempt) return;
      if (left === 0) {
        this.#isTakeoverLate = true;
        return;
      }
      void this.#activate?.(true);
      this.#askAgain(attempt, left - 1);
    });
  }

  /**
   * A new worker controls this page (`controllerchange` after a page that had one): reload, at
   * once if this tab asked for it, else when its streams are done.
   */
  newVersionControls(): void {
    if (this.#hasAccepted) {
      this.#reload();
      return;
    }
    this.#isUpdateWaiting = false;
    this.#isReloadPending = true;
    this.#reloadIfIdle();
  }

  /** A reply streams until `until` settles; a pending reload waits for it. */
  holdReloadUntil(until: Promise<unknown>): void {
    this.#streams += 1;
    const done = () => {
      this.#streams -= 1;
      this.#reloadIfIdle();
    };
    until.then(done, done);
  }

  /** A lazy chunk of this version failed to load (see the header). */
  chunkFailed(): void {
    this.#hasChunkFailed = true;
  }

  reload(): void {
    this.#reload();
  }

  #reloadIfIdle(): void {
    if (this.#isReloadPending && this.#streams === 0) this.#reload();
  }

  #reload(): void {
    if (this.#hasReloaded) return;
    this.#hasReloaded = true;
    this.#deps.reload();
  }
}
