/**
 * Which replies are being streamed by SOME tab, through the Web Locks API
 * (https://developer.mozilla.org/docs/Web/API/Web_Locks_API). The tab streaming a reply holds the
 * lock `parley-stream-<message id>` until the stream and its final write are done; the browser
 * releases it by itself when that tab closes or crashes. So another tab that finds a reply stored
 * as `streaming` can tell "still arriving over there" from "cut off", with no heartbeat to tune.
 *
 * Where the API is missing (an insecure origin, a browser before 2022) every stored `streaming`
 * reply reads as cut off, which is right for a single tab and is how Parley behaved before.
 */

// Function properties, not methods: they are handed around on their own (ChatState's deps).
export interface StreamLocks {
  /** Holds the reply's lock until `until` settles. */
  readonly hold: (messageId: string, until: Promise<unknown>) => void;
  /** True while some tab (this one included) holds the reply's lock. */
  readonly isAlive: (messageId: string) => Promise<boolean>;
  /** Resolves once no tab holds the reply's lock (at once if none does). */
  readonly whenEnded: (messageId: string) => Promise<void>;
}

/** The part of LockManager used here, so tests can pass a fake. */
export type LockRequester = Pick<LockManager, 'request'>;

const PREFIX = 'parley-stream-';

/** `locks`: `navigator.locks`, undefined where the page has none (see the header). */
export function createStreamLocks(locks: LockRequester | undefined): StreamLocks {
  if (!locks) {
    return {
      hold: () => undefined,
      isAlive: () => Promise.resolve(false),
      whenEnded: () => Promise.resolve(),
    };
  }
  return {
    hold: (messageId, until) => {
      locks
        .request(PREFIX + messageId, () => until.then(nothing, nothing))
        // A lock that cannot be taken (document going away) only weakens what other tabs see.
        .catch(nothing);
    },
    isAlive: async (messageId) => {
      try {
        // `ifAvailable`: granted only if free, else the callback gets null at once; never waits.
        return await locks.request(PREFIX + messageId, { ifAvailable: true }, (lock) => !lock);
      } catch {
        return false;
      }
    },
    whenEnded: async (messageId) => {
      try {
        await locks.request(PREFIX + messageId, nothing);
      } catch {
        // The page is going away: nothing is waiting for the answer any more.
      }
    },
  };
}

/** The page's lock manager, if it has one (secure contexts of browsers since 2022). */
export function browserLocks(): LockRequester | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}

function nothing(): void {
  // Deliberately empty.
}
