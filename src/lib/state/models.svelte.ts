/**
 * What Parley knows of models, as state: one source for the parameters form, the request preview
 * and Send (see ChatState). Until the catalog chunk arrives, answers come from the id alone
 * (infer.ts), which already gets the reasoning rules right; `ready()` resolves once the answers
 * are final, so Send can wait for what the preview will show.
 */
import { inferFromId } from '../models/infer';
import { loadCatalog, loadedCatalog } from '../models/lazy';
import type { ModelCatalog, ModelInfo } from '../models/types';
import type { ModelSource } from './chat.svelte';

export class ModelsState implements ModelSource {
  #catalog = $state.raw<ModelCatalog | null>(loadedCatalog());
  readonly #ready: Promise<void>;

  constructor(load: () => Promise<ModelCatalog> = loadCatalog) {
    this.#ready = this.#catalog
      ? Promise.resolve()
      : load().then(
          (catalog) => {
            this.#catalog = catalog;
          },
          // Without the catalog, facts inferred from the id still shape requests correctly.
          () => undefined,
        );
  }

  info(model: string): ModelInfo {
    return this.#catalog?.lookup(model) ?? inferFromId(model);
  }

  /** The info, and whether the catalog knows the model (else the person gives its limits). */
  describe(model: string): { info: ModelInfo; isKnown: boolean } {
    const catalog = this.#catalog;
    if (!catalog) return { info: inferFromId(model), isKnown: true };
    return { info: catalog.lookup(model), isKnown: catalog.knows(model) };
  }

  /** Chat models the catalog suggests (none until it has loaded). */
  get chatModelIds(): string[] {
    return this.#catalog?.chatModelIds() ?? [];
  }

  ready(): Promise<void> {
    return this.#ready;
  }
}
