/**
 * The service worker's life as the page sees it: registered in production builds only, and when
 * a new version is installed and waiting, `isUpdateWaiting` turns true so the page can offer
 * "Reload to update". Nothing swaps versions behind the person's back: the waiting worker takes
 * over only when `update()` asks it to (vite-plugin-pwa's `prompt` mode, no skipWaiting).
 */
export type Register = (options: {
  onNeedRefresh: () => void;
  onRegisterError: (error: unknown) => void;
}) => (reloadPage?: boolean) => Promise<void>;

export class UpdateState {
  #isUpdateWaiting = $state(false);
  #activate: ((reloadPage?: boolean) => Promise<void>) | null = null;

  get isUpdateWaiting(): boolean {
    return this.#isUpdateWaiting;
  }

  /** Registers the worker through `register` (virtual:pwa-register's registerSW). */
  start(register: Register): void {
    this.#activate = register({
      onNeedRefresh: () => (this.#isUpdateWaiting = true),
      // Without a worker Parley still works online; offline use is what is lost, not data.
      onRegisterError: () => undefined,
    });
  }

  /** Lets the waiting version take over; the page reloads once it controls it. */
  async update(): Promise<void> {
    await this.#activate?.(true);
  }
}
