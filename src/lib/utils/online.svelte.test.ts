import { afterEach, describe, expect, it, vi } from 'vitest';

/** The module with a fresh browser-like global, starting online or offline. */
async function load(isOnline: boolean) {
  vi.resetModules();
  const target = new EventTarget();
  vi.stubGlobal('window', target);
  vi.stubGlobal('navigator', { onLine: isOnline });
  vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
  const module = await import('./online.svelte');
  return { ...module, go: (type: 'online' | 'offline') => target.dispatchEvent(new Event(type)) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('reachability', () => {
  it('offline, a Base URL on this computer is still reachable; any other is not', async () => {
    const { reachability, setEndpoint, go } = await load(true);
    setEndpoint('http://127.0.0.1:8787/v1');
    expect(reachability()).toBe('online');
    go('offline');
    expect(reachability()).toBe('local');
    setEndpoint('https://api.openai.com/v1');
    expect(reachability()).toBe('offline');
    go('online');
    expect(reachability()).toBe('online');
  });

  it('starts from navigator.onLine; no endpoint yet reads as offline', async () => {
    const { reachability, setEndpoint } = await load(false);
    expect(reachability()).toBe('offline');
    setEndpoint('http://localhost:11434/v1');
    expect(reachability()).toBe('local');
  });

  it('knows loopback hosts, and only those', async () => {
    const { isLoopbackUrl } = await load(true);
    for (const url of [
      'http://localhost:1234/v1',
      'https://localhost/v1',
      'http://127.0.0.1:8080/v1',
      'http://127.1.2.3/v1',
      'http://[::1]:8080/v1',
      'http://llm.localhost:8080/v1',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      'https://api.openai.com/v1',
      'http://192.168.1.10:8080/v1',
      'https://localhost.example.com/v1',
      'https://127.0.0.1.example.com/v1',
      'not a url',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});
