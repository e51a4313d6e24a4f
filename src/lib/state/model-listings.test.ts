import { describe, expect, it } from 'vitest';
import type { ChatApi, ChatApiFactory } from '../api/client';
import { observeModelListings } from './model-listings';

const ENTRIES = [{ id: 'b', pricing: { prompt: '0.000001', completion: '0.000002' } }, { id: 'a' }];

function fakeApi(withEntries: boolean, calls: string[]): ChatApi {
  return {
    listModels: () => {
      calls.push('ids');
      return Promise.resolve(['a', 'b']);
    },
    ...(withEntries
      ? {
          listModelEntries: () => {
            calls.push('entries');
            return Promise.resolve({ ids: ['a', 'b'], entries: ENTRIES });
          },
        }
      : {}),
    streamChat: () => Promise.reject(new Error('not used')),
  };
}

describe('observeModelListings', () => {
  it('answers ids and hands the same listing’s entries on, with the endpoint asked', async () => {
    const calls: string[] = [];
    const seen: [string, readonly unknown[]][] = [];
    const factory: ChatApiFactory = () => Promise.resolve(fakeApi(true, calls));
    const observed = observeModelListings(factory, (baseUrl, entries) =>
      seen.push([baseUrl, entries]),
    );
    const api = await observed({ apiKey: 'k', baseUrl: 'https://openrouter.ai/api/v1' });
    expect(await api.listModels()).toEqual(['a', 'b']);
    // One request, not two.
    expect(calls).toEqual(['entries']);
    expect(seen).toEqual([['https://openrouter.ai/api/v1', ENTRIES]]);
  });

  it('leaves an API without entries as it is', async () => {
    const calls: string[] = [];
    const seen: unknown[] = [];
    const observed = observeModelListings(
      () => Promise.resolve(fakeApi(false, calls)),
      (...args) => seen.push(args),
    );
    expect(await (await observed({ apiKey: 'k', baseUrl: 'x' })).listModels()).toEqual(['a', 'b']);
    expect(calls).toEqual(['ids']);
    expect(seen).toEqual([]);
  });

  it('hands nothing on when the listing fails', async () => {
    const seen: unknown[] = [];
    const failing: ChatApi = {
      listModels: () => Promise.reject(new Error('401')),
      listModelEntries: () => Promise.reject(new Error('401')),
      streamChat: () => Promise.reject(new Error('not used')),
    };
    const observed = observeModelListings(
      () => Promise.resolve(failing),
      (...args) => seen.push(args),
    );
    await expect((await observed({ apiKey: 'k', baseUrl: 'x' })).listModels()).rejects.toThrow(
      '401',
    );
    expect(seen).toEqual([]);
  });
});
