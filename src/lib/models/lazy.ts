/**
 * The model catalog (gpt-tokenizer's specs) is data the first paint does not need, so it loads as
 * its own chunk: call `loadCatalog()` early (while storage opens). Until it arrives, `modelInfo()`
 * answers from the id alone (infer.ts), which already gets the reasoning rules right; only limits
 * and prices wait for the chunk.
 */
import { inferFromId } from './infer';
import type { ModelCatalog, ModelInfo } from './types';

let catalog: ModelCatalog | null = null;
let loading: Promise<ModelCatalog> | null = null;

export function loadCatalog(): Promise<ModelCatalog> {
  loading ??= import('./catalog').then(
    (loaded) => (catalog = loaded.catalog),
    (error: unknown) => {
      // A failed chunk load (offline before the service worker cached it) must not stick:
      // the next call tries again.
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The catalog if it has loaded, so callers can answer synchronously once it is here. */
export function loadedCatalog(): ModelCatalog | null {
  return catalog;
}

/** The catalog's answer when loaded, otherwise what the id alone says. */
export function modelInfo(id: string): ModelInfo {
  return catalog?.lookup(id) ?? inferFromId(id);
}
