/**
 * What Parley knows of models, as state: one source for the parameters form, the request preview
 * and Send (see ChatState). Until the catalog chunk arrives, answers come from the id alone
 * (infer.ts), which already gets the reasoning rules right; `ready()` resolves once the answers
 * are final, so Send can wait for what the preview will show.
 *
 * What an endpoint's own `GET /models` says (OpenRouter: prices, context lengths, output limits)
 * is kept per endpoint, as the last listing of it gave it (`setEndpointModels`). Its context
 * window and output limit fill in only where the catalog lacks them (the catalog is curated; a
 * router's numbers describe its best provider), and its price wins over the catalog's: the
 * endpoint knows what it charges. UsageState reads the same listing for costs. Where neither
 * the catalog nor the listing gives a context window, the price database's does (genai-prices,
 * once loaded: `databaseWindow`).
 */
import { readEndpointModels, type EndpointModel } from '../models/endpoint-models';
import { inferFromId } from '../models/infer';
import { loadCatalog, loadedCatalog } from '../models/lazy';
import type { ModelCatalog, ModelInfo } from '../models/types';
import type { ModelSource } from './chat.svelte';

export type DatabaseWindow = (model: string, baseUrl: string) => number | null;

/** The same endpoint however its URL was typed: trailing slashes do not matter. */
function endpointKey(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '');
}

export class ModelsState implements ModelSource {
  #catalog = $state.raw<ModelCatalog | null>(loadedCatalog());
  /** Endpoint (see endpointKey) → its listed models that say anything beyond their id. */
  #endpoints = $state.raw<ReadonlyMap<string, ReadonlyMap<string, EndpointModel>>>(new Map());
  readonly #ready: Promise<void>;
  readonly #baseUrl: () => string | null;
  readonly #databaseWindow: DatabaseWindow;

  /**
   * `baseUrl`: the endpoint in use (Settings), whose listing `info` and `describe` consult;
   * `databaseWindow`: the price database's context window for a model there (null: unknown or
   * not loaded), read reactively.
   */
  constructor(
    load: () => Promise<ModelCatalog> = loadCatalog,
    baseUrl: () => string | null = () => null,
    databaseWindow: DatabaseWindow = () => null,
  ) {
    this.#baseUrl = baseUrl;
    this.#databaseWindow = databaseWindow;
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

  /** Keeps what `GET /models` at `baseUrl` listed (raw entries); replaces its previous listing. */
  setEndpointModels(baseUrl: string, entries: readonly unknown[]): void {
    const models = readEndpointModels(entries);
    const next = new Map(this.#endpoints);
    if (models.size === 0) next.delete(endpointKey(baseUrl));
    else next.set(endpointKey(baseUrl), models);
    this.#endpoints = next;
  }

  /** What the endpoint listed with prices or limits, or null when it listed nothing of the kind. */
  endpointModels(baseUrl: string): ReadonlyMap<string, EndpointModel> | null {
    return this.#endpoints.get(endpointKey(baseUrl)) ?? null;
  }

  #listed(model: string): EndpointModel | null {
    const baseUrl = this.#baseUrl();
    if (baseUrl === null) return null;
    return this.endpointModels(baseUrl)?.get(model.trim()) ?? null;
  }

  #fromDatabase(model: string): number | null {
    const baseUrl = this.#baseUrl();
    return baseUrl === null ? null : this.#databaseWindow(model, baseUrl);
  }

  info(model: string): ModelInfo {
    return this.describe(model).info;
  }

  /** The info, and whether its limits are known (else the person gives its context window). */
  describe(model: string): { info: ModelInfo; isKnown: boolean } {
    const catalog = this.#catalog;
    const listed = this.#listed(model);
    // Before the catalog arrives nothing is asked of the person: it may well know the model.
    const isCatalogKnown = catalog ? catalog.knows(model) : true;
    const looked = catalog?.lookup(model) ?? inferFromId(model);
    const fromCatalog = catalog !== null && isCatalogKnown;
    const databaseWindow =
      fromCatalog && looked.contextWindow !== null ? null : this.#fromDatabase(model);
    const info =
      databaseWindow === null || listed?.contextWindow
        ? looked
        : { ...looked, contextWindow: databaseWindow };
    if (!listed) return { info, isKnown: isCatalogKnown || databaseWindow !== null };
    return {
      info: {
        ...info,
        contextWindow:
          (fromCatalog ? info.contextWindow : null) ?? listed.contextWindow ?? info.contextWindow,
        maxOutputTokens:
          (fromCatalog ? info.maxOutputTokens : null) ??
          listed.maxOutputTokens ??
          info.maxOutputTokens,
        price: listed.price ?? info.price,
      },
      isKnown: isCatalogKnown || listed.contextWindow !== null || databaseWindow !== null,
    };
  }

  /** Chat models the catalog suggests (none until it has loaded). */
  get chatModelIds(): string[] {
    return this.#catalog?.chatModelIds() ?? [];
  }

  ready(): Promise<void> {
    return this.#ready;
  }
}
