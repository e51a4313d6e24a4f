/**
 * Whether the browser says it is online, as reactive state. `navigator.onLine` false is reliable
 * (no network at all); true only means "maybe", so sending still handles network errors.
 */
let isOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

if (typeof window !== 'undefined') {
  addEventListener('online', () => (isOnline = true));
  addEventListener('offline', () => (isOnline = false));
}

export function online(): boolean {
  return isOnline;
}
