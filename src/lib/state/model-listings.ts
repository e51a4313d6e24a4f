/**
 * Hands every `GET /models` answer to whoever keeps what the endpoint says about its models
 * (ModelsState), whoever asked for it: the key check on Save, the quiet refresh at start. It
 * wraps the API factory, as usage-recording.ts wraps the chat API, so SettingsState keeps asking
 * for ids alone and never learns about prices. One request serves both: the ids come from the
 * same listing as the entries.
 */
import type { ChatApiFactory } from '../api/client';

export type ListingHandler = (baseUrl: string, entries: readonly unknown[]) => void;

export function observeModelListings(
  factory: ChatApiFactory,
  onListing: ListingHandler,
): ChatApiFactory {
  return async (config) => {
    const api = await factory(config);
    if (!api.listModelEntries) return api;
    const listEntries = api.listModelEntries.bind(api);
    return {
      ...api,
      listModels: async (signal) => {
        const { ids, entries } = await listEntries(signal);
        onListing(config.baseUrl, entries);
        return ids;
      },
    };
  };
}
