/**
 * Wires search into the page (App.svelte calls `connectSearch` once): the worker, the change
 * feed, opening a result. Plain TypeScript so the wiring's logic is testable apart from App.
 *
 * Every write this tab commits is recorded in the search database (search-store.ts `changes`)
 * whether or not search was ever used here, so whichever tab loads the saved index next knows
 * which conversations to read again. Writes of other tabs are recorded by those tabs; here they
 * only reach a running worker.
 */
import { latestLeaf } from '../domain/conversation';
import type { Conversation, Message } from '../domain/types';
import type { StoreChange } from '../storage';
import { Lazy } from '../state/lazy.svelte';
import type { ChangeOrigin } from '../state/sync';
import type { SearchHit } from './engine';
import { RevealState } from './reveal.svelte';
import type { SearchState, SearchWorker } from './search.svelte';

export interface SearchWiring {
  feed: { subscribe(listener: (change: StoreChange, origin: ChangeOrigin) => void): () => void };
  conversations: {
    readonly filtered: readonly { id: string }[];
    query: string;
    get(id: string): Conversation | null;
    select(id: string): void;
    update(id: string, change: (conversation: Conversation) => Conversation): Promise<void>;
  };
  store: { listMessages(conversationId: string): Promise<Message[]> };
  report: (error: unknown) => void;
  /** Tests pass a fake; the page starts worker.ts. */
  startWorker?: () => SearchWorker;
  /** Tests pass a fake; the page writes to the search database. */
  recordChanges?: (ids: string[], at: number) => Promise<void>;
  now?: () => number;
}

export interface SearchParts {
  /**
   * The search box's state. Its code is not first-load code: it loads at the first search (the
   * page also fetches it once the first screen is drawn). Until then there is no worker to tell
   * of writes: they are recorded below, and the worker reads them when it loads the index.
   */
  search: Lazy<SearchState>;
  reveal: RevealState;
  /** What choosing a result does: opens its conversation on its branch and marks its message. */
  open: (hit: SearchHit) => Promise<void>;
  disconnect: () => void;
}

function startSearchWorker(): SearchWorker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'search' });
}

/** Opens the search database once, when the first write is recorded (it loads lazily). */
function searchDatabaseRecorder(): (ids: string[], at: number) => Promise<void> {
  let opened: ReturnType<typeof open> | null = null;
  function open() {
    return import('../storage/search-store').then(({ openSearchStore }) => openSearchStore());
  }
  return async (ids, at) => {
    opened ??= open();
    try {
      await (await opened).recordChanges(ids, at);
    } catch (error) {
      opened = null;
      throw error;
    }
  };
}

export function connectSearch(wiring: SearchWiring): SearchParts {
  const { conversations, store, report } = wiring;
  const now = wiring.now ?? Date.now;
  const record = wiring.recordChanges ?? searchDatabaseRecorder();
  const reveal = new RevealState();

  async function open(hit: SearchHit): Promise<void> {
    const conversation = conversations.get(hit.conversationId);
    if (!conversation) return;
    const { messageId } = hit;
    if (messageId !== null) {
      const messages = await store.listMessages(hit.conversationId);
      const current = conversation.currentLeafId ?? latestLeaf(messages);
      // Loaded with the first result opened: not first-load code.
      const { leafFor } = await import('./branch');
      const leaf = leafFor(messages, messageId, current);
      if (leaf !== null && leaf !== conversation.currentLeafId) {
        await conversations.update(hit.conversationId, (c) => ({ ...c, currentLeafId: leaf }));
      }
    }
    conversations.select(hit.conversationId);
    if (messageId !== null) reveal.show(hit.conversationId, messageId);
    else reveal.clear();
  }

  const search = new Lazy(async () => {
    const { SearchState } = await import('./search.svelte');
    return new SearchState({
      startWorker: wiring.startWorker ?? startSearchWorker,
      // The sidebar's list filters by title on the same text (ConversationsState.query).
      listedByTitle: () => conversations.filtered.map((c) => c.id),
      open,
      report,
    });
  });

  /** Writes of one moment recorded in one transaction (a send writes several records). */
  let batch: Set<string> | null = null;
  function recordLater(ids: string[]): void {
    if (batch) {
      for (const id of ids) batch.add(id);
      return;
    }
    batch = new Set(ids);
    const at = now();
    queueMicrotask(() => {
      const written = [...(batch ?? [])];
      batch = null;
      record(written, at).catch(report);
    });
  }

  const unsubscribe = wiring.feed.subscribe((change, origin) => {
    if (origin === 'local') {
      const ids = recordedIds(change);
      if (ids) recordLater(ids);
    }
    search.current?.notify(change);
  });
  return { search, reveal, open, disconnect: unsubscribe };
}

function recordedIds(change: StoreChange): string[] | null {
  switch (change.type) {
    case 'conversation':
      return [change.id];
    case 'messages':
      return [change.conversationId];
    case 'imported':
      // ALL_CONVERSATIONS of search-store.ts, which loads lazily.
      return ['*'];
    default:
      return null;
  }
}
