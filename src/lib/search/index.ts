/**
 * The full-text index: MiniSearch (chosen by measuring, see the search report in the bench) over
 * one document per message and one per conversation title. Terms come from text.ts, so the
 * index and the verification agree on what a word is; search-time tokenizing is the identity
 * because queries arrive as term trees (`toIndexQuery`).
 *
 * Only ids and the owning conversation are stored in the index: the text stays in IndexedDB and
 * hits are read back from there to be verified and shown, which keeps the index (and its copy on
 * disk) about the size of the terms.
 */
import MiniSearch from 'minisearch';
import { indexTerms, type TermQuery } from './text';

export interface IndexDocument {
  /** A message id, or `titleDocId(conversationId)`. */
  id: string;
  conversationId: string;
  text: string;
}

export interface IndexHit {
  id: string;
  conversationId: string;
  score: number;
}

const TITLE_PREFIX = 't:';

export function titleDocId(conversationId: string): string {
  return `${TITLE_PREFIX}${conversationId}`;
}

/** The conversation whose title a document id names, or null for a message document. */
export function titleOf(docId: string): string | null {
  return docId.startsWith(TITLE_PREFIX) ? docId.slice(TITLE_PREFIX.length) : null;
}

const identity = (term: string): string => term;

const OPTIONS = {
  fields: ['text'],
  storeFields: ['conversationId'],
  tokenize: indexTerms,
  processTerm: identity,
  searchOptions: { tokenize: (text: string) => [text], processTerm: identity },
};

export class SearchIndex {
  readonly #search: MiniSearch<IndexDocument>;

  constructor(search?: MiniSearch<IndexDocument>) {
    this.#search = search ?? new MiniSearch<IndexDocument>(OPTIONS);
  }

  /** An index saved with `toJSON`; throws if the text is not one (then rebuild). */
  static fromJSON(json: string): SearchIndex {
    return new SearchIndex(MiniSearch.loadJSON<IndexDocument>(json, OPTIONS));
  }

  get size(): number {
    return this.#search.documentCount;
  }

  has(id: string): boolean {
    return this.#search.has(id);
  }

  /** Adds or replaces a document. */
  put(document: IndexDocument): void {
    if (this.#search.has(document.id)) this.#search.discard(document.id);
    this.#search.add(document);
  }

  remove(id: string): void {
    if (this.#search.has(id)) this.#search.discard(id);
  }

  /** Best first. */
  search(query: TermQuery, limit: number): IndexHit[] {
    const results = this.#search.search(query);
    return results.slice(0, limit).map((result) => ({
      id: String(result.id),
      conversationId: String(result.conversationId),
      score: result.score,
    }));
  }

  toJSON(): string {
    return JSON.stringify(this.#search);
  }
}
