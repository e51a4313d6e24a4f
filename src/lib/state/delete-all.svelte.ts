/**
 * "Delete all data", across tabs. This tab closes its database connection, starts deleting
 * (storage/delete-all.ts), and tells every other Parley tab on the BroadcastChannel 'parley'
 * with `{ type: 'delete-all' }`; a tab that hears it closes its connection and reloads. Reloaded
 * tabs open the database only after the deletion (IndexedDB queues the open behind it), so they,
 * and this tab once done, come back on the first-run screen.
 *
 * Parley tabs already close on `versionchange`; the message covers a tab that has not (an older
 * Parley, or one busy opening) and is repeated when the deletion reports `blocked`.
 */

/** The message on the 'parley' channel. Other listeners on that channel ignore unknown types. */
export const DELETE_ALL_MESSAGE = { type: 'delete-all' } as const;

export type DeleteAllStatus =
  | 'idle'
  | 'deleting'
  /** Another tab still holds the database open; deleting finishes when it lets go. */
  | 'waiting';

/** The part of BroadcastChannel this needs; tests pass a fake. */
export interface DeleteAllChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface DeleteAllDeps {
  /** Closes this tab's database connection (further storage calls fail). */
  close: () => void;
  /** Deletes everything; must issue the database deletion before its first await. */
  deleteStorage: (onBlocked: () => void) => Promise<void>;
  /** Null where BroadcastChannel is missing: other tabs then close on `versionchange` alone. */
  channel: DeleteAllChannel | null;
  /** Reloads the page (tests pass a spy). */
  reload: () => void;
}

export class DeleteAllState {
  #status = $state<DeleteAllStatus>('idle');
  readonly #deps: DeleteAllDeps;

  constructor(deps: DeleteAllDeps) {
    this.#deps = deps;
    deps.channel?.addEventListener('message', (event) => {
      if (isDeleteAll(event.data)) this.#leave();
    });
  }

  get status(): DeleteAllStatus {
    return this.#status;
  }

  /** Deletes everything in this browser, then reloads. Rejects (and stays) if deleting failed. */
  async deleteAll(): Promise<void> {
    if (this.#status !== 'idle') return;
    this.#status = 'deleting';
    const { close, deleteStorage, reload } = this.#deps;
    close();
    try {
      const deleting = deleteStorage(() => {
        this.#status = 'waiting';
        this.#tellOthers();
      });
      // After the deletion was issued: tabs that reload on this open behind it, not before it.
      this.#tellOthers();
      await deleting;
    } catch (error) {
      this.#status = 'idle';
      throw error;
    }
    reload();
  }

  #tellOthers(): void {
    try {
      this.#deps.channel?.postMessage(DELETE_ALL_MESSAGE);
    } catch {
      // A closed channel: other tabs still get `versionchange` from the deletion itself.
    }
  }

  /** Another tab is deleting everything: let go of the database and start over from first run. */
  #leave(): void {
    this.#deps.close();
    this.#deps.reload();
  }
}

function isDeleteAll(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === DELETE_ALL_MESSAGE.type
  );
}
