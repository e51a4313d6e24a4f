import { describe, expect, it } from 'vitest';
import { PanelState, type PanelEnvironment } from './panel.svelte';

function environment(isNarrow: boolean, stored: string | null = null) {
  const items = new Map<string, string>();
  if (stored !== null) items.set('parley:params-panel', stored);
  const listeners: ((matches: boolean) => void)[] = [];
  const env: PanelEnvironment = {
    storage: {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
    },
    narrow: { matches: isNarrow, onChange: (listener) => void listeners.push(listener) },
  };
  return { env, items, change: (matches: boolean) => listeners.forEach((l) => l(matches)) };
}

describe('PanelState', () => {
  it('is open on a wide screen, and remembers being closed', () => {
    const { env, items } = environment(false);
    const panel = new PanelState(env);
    expect(panel.isOpen).toBe(true);
    panel.toggle();
    expect(panel.isOpen).toBe(false);
    expect(items.get('parley:params-panel')).toBe('closed');
    expect(new PanelState(env).isOpen).toBe(false);
  });

  it('is a sheet closed by default on a narrow screen, whatever a wide screen remembered', () => {
    const { env, items, change } = environment(true, 'open');
    const panel = new PanelState(env);
    expect(panel.isNarrow).toBe(true);
    expect(panel.isOpen).toBe(false);
    panel.toggle();
    expect(panel.isOpen).toBe(true);
    expect(items.get('parley:params-panel')).toBe('open');
    change(false);
    expect(panel.isOpen).toBe(true);
    change(true);
    expect(panel.isOpen).toBe(false);
  });

  it('works where storage is refused', () => {
    const panel = new PanelState({
      storage: {
        getItem: () => {
          throw new Error('SecurityError');
        },
        setItem: () => {
          throw new Error('SecurityError');
        },
      },
    });
    expect(panel.isOpen).toBe(true);
    panel.toggle();
    expect(panel.isOpen).toBe(false);
  });
});
