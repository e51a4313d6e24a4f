/**
 * What Parley has spent: one usage record per finished request, the month's spending against the
 * person's budget, their own prices, and what each price source says a request costs.
 *
 * Decisions:
 * - `record` is called once per request (an n > 1 request is ONE call: its usage covers every
 *   choice), so replies deleted or regenerated later still count.
 * - The month's spending is read once from the day totals at load and then kept by adding each
 *   record; the dialog reads the day totals afresh each time it opens (other tabs add records).
 * - The price database loads on the first cost asked for; until then `costNow` says "not yet"
 *   (undefined), never a wrong number. A record made before it arrives waits for it.
 * - The 80% warning shows once per month (remembered in the prefs), the over-budget question
 *   before every send.
 * - A conversation's totals (its header, its sidebar tooltip) are read once through the records'
 *   conversation index, the first time they are asked for, then kept by adding each record made
 *   here; `refreshTotals` reads them again (another tab may have added some). No render ever
 *   reads records.
 * - The endpoint's own prices come from its `GET /models` listing as ModelsState keeps it
 *   (`endpointModels`), so both see the same listing.
 */
import { SvelteMap } from 'svelte/reactivity';
import {
  addTotals,
  budgetCheck,
  byDay,
  byModel,
  endpointOrigin,
  monthOf,
  periodMonth,
  sumRows,
  totalsOf,
  usageCsv,
  type BudgetState,
  type UsagePeriod,
  type UsageRecord,
  type UsageRow,
  type UsageTotals,
} from '../domain/usage';
import type { Usage } from '../domain/types';
import type { EndpointModel } from '../models/endpoint-models';
import {
  costWith,
  loadPriceTable,
  priceKey,
  quoteFor,
  type CostResult,
  type PriceQuote,
  type PriceSources,
  type PriceTable,
} from '../models/prices';
import type { ModelPrice } from '../models/types';
import type { UsagePrefs, UsageRepository } from '../storage/usage';
import { newId } from '../utils/id';

export interface UsageDeps {
  repository: UsageRepository;
  /** Defaults to the genai-prices chunk (models/prices.ts). */
  loadPriceTable?: () => Promise<PriceTable>;
  now?: () => number;
  createId?: () => string;
  /** What the endpoint at `baseUrl` listed with prices (ModelsState.endpointModels); none: null. */
  endpointModels?: (baseUrl: string) => ReadonlyMap<string, EndpointModel> | null;
}

export interface RequestUsage {
  conversationId: string | null;
  /** The model the API reported, else the one requested. */
  model: string;
  baseUrl: string;
  usage: Usage;
}

export interface UsageReport {
  byDay: UsageRow[];
  byModel: UsageRow[];
  totals: UsageTotals;
}

/** What to do before a send: nothing, warn once (80%), or ask (the budget is spent). */
export interface SendCheck {
  state: BudgetState;
  spent: number;
  budget: number | null;
}

export class UsageState {
  readonly #repository: UsageRepository;
  readonly #loadTable: () => Promise<PriceTable>;
  readonly #now: () => number;
  readonly #createId: () => string;
  readonly #endpointModels: (baseUrl: string) => ReadonlyMap<string, EndpointModel> | null;
  /** Conversation id → its totals, once read (reactive: headers and tooltips show them). */
  readonly #totals = new SvelteMap<string, UsageTotals>();
  /** Reads in flight, so a conversation asked for by many renders is read once. */
  readonly #totalsReads = new Map<string, Promise<void>>();
  #table = $state.raw<PriceTable | null>(null);
  #tableLoad: Promise<PriceTable | null> | null = null;
  #prefs = $state.raw<UsagePrefs>({ monthlyBudget: null, warnedMonth: null, customPrices: {} });
  #month = $state('');
  #spent = $state(0);
  /** Counts the requests recorded by this page: a report on screen reads again when it moves. */
  #recorded = $state(0);

  constructor(deps: UsageDeps) {
    this.#repository = deps.repository;
    this.#loadTable = deps.loadPriceTable ?? loadPriceTable;
    this.#now = deps.now ?? Date.now;
    this.#createId = deps.createId ?? newId;
    this.#endpointModels = deps.endpointModels ?? (() => null);
  }

  async load(): Promise<void> {
    const month = monthOf(this.#now());
    const [prefs, days] = await Promise.all([
      this.#repository.getUsagePrefs(),
      this.#repository.listUsageDays(month),
    ]);
    this.#prefs = prefs;
    this.#month = month;
    this.#spent = sumRows(days).cost;
  }

  get monthlyBudget(): number | null {
    return this.#prefs.monthlyBudget;
  }

  /** USD spent this calendar month (priced requests only). */
  get spentThisMonth(): number {
    return this.#month === monthOf(this.#now()) ? this.#spent : 0;
  }

  get budgetState(): BudgetState {
    return budgetCheck(this.spentThisMonth, this.monthlyBudget);
  }

  get customPrices(): Readonly<Record<string, ModelPrice>> {
    return this.#prefs.customPrices;
  }

  /** The price database's version and date once loaded ('genai-prices 0.1.8', '2026-09-23'). */
  get priceData(): { version: string; date: string } | null {
    return this.#table && { version: this.#table.version, date: this.#table.date };
  }

  #sources(baseUrl: string): PriceSources {
    const models = this.#endpointModels(baseUrl);
    return {
      custom: new Map(Object.entries(this.#prefs.customPrices)),
      endpoint: models && { baseUrl, models },
      table: this.#table,
    };
  }

  /** Loads the price database once; a failed load leaves database prices unknown and retries later. */
  loadPrices(): Promise<PriceTable | null> {
    this.#tableLoad ??= this.#loadTable().then(
      (table) => (this.#table = table),
      () => {
        this.#tableLoad = null;
        return null;
      },
    );
    return this.#tableLoad;
  }

  /** The price that applies now (reactive); null while unknown or still loading. */
  quote(model: string, baseUrl: string): PriceQuote | null {
    if (!this.#table) void this.loadPrices();
    return quoteFor(this.#sources(baseUrl), model, baseUrl);
  }

  /** The price database's context window for the model (null: unknown, or not loaded yet). */
  databaseWindow(model: string, baseUrl: string): number | null {
    return this.#table?.quote(model, baseUrl)?.contextWindow ?? null;
  }

  /** What `usage` cost, once prices are here: undefined while the database is still loading. */
  costNow(usage: Usage, model: string, baseUrl: string): CostResult | undefined {
    const result = costWith(this.#sources(baseUrl), usage, model, baseUrl);
    if (result.cost !== null || this.#table) return result;
    void this.loadPrices();
    return undefined;
  }

  async costOf(usage: Usage, model: string, baseUrl: string): Promise<CostResult> {
    await this.loadPrices();
    return costWith(this.#sources(baseUrl), usage, model, baseUrl);
  }

  /** Records one finished request (call once per request, whatever its n). */
  async record(request: RequestUsage): Promise<void> {
    const time = this.#now();
    const { cost, version } = await this.costOf(request.usage, request.model, request.baseUrl);
    const { usage } = request;
    const record: UsageRecord = {
      id: this.#createId(),
      time,
      conversationId: request.conversationId,
      model: request.model,
      endpoint: endpointOrigin(request.baseUrl),
      promptTokens: usage.promptTokens,
      cachedTokens: Math.min(usage.cachedTokens ?? 0, usage.promptTokens),
      completionTokens: usage.completionTokens,
      reasoningTokens: Math.min(usage.reasoningTokens ?? 0, usage.completionTokens),
      cost,
      priceVersion: version,
    };
    await this.#repository.addUsage(record);
    this.#addToTotals(record);
    const month = monthOf(time);
    if (month !== this.#month) {
      this.#month = month;
      this.#spent = 0;
    }
    this.#spent += cost ?? 0;
    this.#recorded++;
  }

  /** Changes whenever this page records a request (reactive). */
  get recorded(): number {
    return this.#recorded;
  }

  /**
   * Before a send: 'over' every time the budget is spent; 'warn80' the first time this month
   * that 80% is reached (later sends say 'ok' until the budget is spent); otherwise 'ok'.
   */
  async beforeSend(): Promise<SendCheck> {
    const check = {
      state: this.budgetState,
      spent: this.spentThisMonth,
      budget: this.monthlyBudget,
    };
    if (check.state !== 'warn80') return check;
    const month = monthOf(this.#now());
    if (this.#prefs.warnedMonth === month) return { ...check, state: 'ok' };
    await this.#savePrefs({ ...this.#prefs, warnedMonth: month });
    return check;
  }

  setMonthlyBudget(budget: number | null): Promise<void> {
    if (budget !== null && (!Number.isFinite(budget) || budget < 0)) return Promise.resolve();
    return this.#savePrefs({ ...this.#prefs, monthlyBudget: budget });
  }

  /** Sets (or with null, removes) the person's price for a model, USD per 1M tokens. */
  setCustomPrice(model: string, price: ModelPrice | null): Promise<void> {
    const key = priceKey(model);
    if (key === '') return Promise.resolve();
    const customPrices = Object.fromEntries(
      Object.entries(this.#prefs.customPrices).filter(([model]) => model !== key),
    );
    if (price !== null) customPrices[key] = { ...price };
    return this.#savePrefs({ ...this.#prefs, customPrices });
  }

  async report(period: UsagePeriod): Promise<UsageReport> {
    const days = await this.#repository.listUsageDays(periodMonth(period, this.#now()));
    return { byDay: byDay(days), byModel: byModel(days), totals: sumRows(days) };
  }

  async csv(): Promise<string> {
    return usageCsv(await this.#repository.listUsage());
  }

  /** A conversation's tokens and cost, read from its records now. */
  conversationTotals(conversationId: string): Promise<UsageTotals> {
    return this.#repository.conversationUsage(conversationId);
  }

  /**
   * A conversation's totals for its header and sidebar tooltip (reactive). Undefined until read:
   * the first ask starts the read (once), so callers simply ask again when it arrives.
   */
  totalsFor(conversationId: string): UsageTotals | undefined {
    const known = this.#totals.get(conversationId);
    if (known === undefined && !this.#totalsReads.has(conversationId)) {
      // Started from a render: the read itself writes state only once it resolves.
      void this.refreshTotals(conversationId);
    }
    return known;
  }

  /** Reads a conversation's totals again (other tabs record requests too). */
  refreshTotals(conversationId: string): Promise<void> {
    const pending = this.#totalsReads.get(conversationId);
    // A read already under way may have missed a record made after it began: read after it.
    const read = (pending ?? Promise.resolve())
      .then(() => this.#repository.conversationUsage(conversationId))
      .then(
        (totals) => {
          this.#totals.set(conversationId, totals);
        },
        // Totals are a convenience: a failed read shows none, and the next ask tries again.
        () => undefined,
      )
      .finally(() => {
        if (this.#totalsReads.get(conversationId) === read)
          this.#totalsReads.delete(conversationId);
      });
    this.#totalsReads.set(conversationId, read);
    return read;
  }

  #addToTotals(record: UsageRecord): void {
    const id = record.conversationId;
    if (id === null) return;
    if (this.#totalsReads.has(id)) {
      // A read in flight might or might not include this record: read once more after it.
      void this.refreshTotals(id);
      return;
    }
    const known = this.#totals.get(id);
    // Never read: the first ask reads it, this record included.
    if (known !== undefined) this.#totals.set(id, addTotals(known, totalsOf(record)));
  }

  async #savePrefs(prefs: UsagePrefs): Promise<void> {
    await this.#repository.putUsagePrefs(prefs);
    this.#prefs = prefs;
  }
}
