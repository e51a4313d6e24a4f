/** The page's state objects, handed from App.svelte to every view through Svelte context. */
import { getContext, setContext } from 'svelte';
import type { BackupState } from './backup.svelte';
import type { Lazy } from './lazy.svelte';
import type { UsageState } from './usage.svelte';
import type { ChatState } from './chat.svelte';
import type { ConversationsState } from './conversations.svelte';
import type { DeleteAllState } from './delete-all.svelte';
import type { ModelsState } from './models.svelte';
import type { Drafts } from './drafts';
import type { PresetsState } from './presets.svelte';
import type { ProblemsState } from './problems.svelte';
import type { SettingsState } from './settings.svelte';
import type { StorageHealth } from './storage-health.svelte';
import type { RevealState } from '../search/reveal.svelte';
import type { SearchState } from '../search/search.svelte';

export interface AppState {
  settings: SettingsState;
  conversations: ConversationsState;
  chat: ChatState;
  /** What Parley knows of models: one source for the form, the preview and Send. */
  models: ModelsState;
  problems: ProblemsState;
  presets: PresetsState;
  deleteAll: DeleteAllState;
  /** Unsent text per conversation, storage space and persistence, export and import. */
  drafts: Drafts;
  health: StorageHealth;
  /** Loaded when first needed (Lazy): export and import are not first-screen code. */
  backup: Lazy<BackupState>;
  /** Usage per request, the monthly budget, prices (loaded after the first screen). */
  usage: Lazy<UsageState>;
  /** Full-text search of every message (the index runs in a worker; the code loads at first use). */
  search: Lazy<SearchState>;
  /** The message a search result asked the transcript to show. */
  reveal: RevealState;
}

const KEY = Symbol('parley-app-state');

export function setAppState(state: AppState): void {
  setContext(KEY, state);
}

export function getAppState(): AppState {
  return getContext<AppState>(KEY);
}
