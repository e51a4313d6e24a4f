/** Messages between the page (search.svelte.ts) and the search worker (worker.ts). */
import type { SearchHit } from './engine';

export type ToWorker =
  /** Newer ids supersede older ones: the worker drops a query once a newer one arrives. */
  | { type: 'search'; id: number; text: string; exclude: string[] }
  /** Conversations written (`'all'`: an import). */
  | { type: 'changed'; ids: string[] | 'all' };

export type FromWorker =
  | { type: 'results'; id: number; hits: SearchHit[] }
  | { type: 'failed'; id: number; message: string };
