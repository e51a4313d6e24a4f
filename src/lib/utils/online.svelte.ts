/**
 * Whether requests can leave this computer, as reactive state. `navigator.onLine` false is
 * reliable (no network at all); true only means "maybe", so sending still handles network errors.
 *
 * Offline is no reason to stop a person whose Base URL is a server on this computer (llama.cpp,
 * Ollama, LM Studio): loopback works without any network, so `reachability()` says 'local' then,
 * and the composer keeps Send enabled. The app keeps the endpoint current with `setEndpoint`.
 */
let isOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
let endpoint = $state<string | null>(null);

if (typeof window !== 'undefined') {
  addEventListener('online', () => (isOnline = true));
  addEventListener('offline', () => (isOnline = false));
}

export function online(): boolean {
  return isOnline;
}

/** The Base URL requests go to now (null: none yet). */
export function setEndpoint(baseUrl: string | null): void {
  endpoint = baseUrl;
}

export type Reachability = 'online' | 'local' | 'offline';

/** 'local': offline, but the endpoint is on this computer, so requests still reach it. */
export function reachability(): Reachability {
  if (isOnline) return 'online';
  return endpoint !== null && isLoopbackUrl(endpoint) ? 'local' : 'offline';
}

/**
 * The URL's host is this computer: `localhost` (and its subdomains, which browsers resolve to
 * loopback themselves), 127.0.0.0/8 or [::1]. Anything that does not parse is not.
 */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}
