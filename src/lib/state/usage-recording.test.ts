import { describe, expect, it, vi } from 'vitest';
import type { ChatApi } from '../api/client';
import type { ChatRequestBody } from '../domain/request';
import { recordingUsage, type FinishedRequest } from './usage-recording';

const body: ChatRequestBody = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Hi' }],
  n: 3,
  stream: true,
  stream_options: { include_usage: true },
};
const usage = { promptTokens: 10, completionTokens: 30, totalTokens: 40 };

function fakeApi(result: Awaited<ReturnType<ChatApi['streamChat']>>): ChatApi {
  return {
    listModels: () => Promise.resolve([]),
    streamChat: () => Promise.resolve(result),
  };
}

describe('recordingUsage', () => {
  it('records an n = 3 request once, with the model the server reported', async () => {
    const finished: FinishedRequest[] = [];
    const api = fakeApi({ choices: [], model: 'gpt-4o-2024-08-06', usage });
    const getApi = recordingUsage(
      () => Promise.resolve(api),
      () => 'c1',
      (request) => finished.push(request),
    );
    await (await getApi()).streamChat(body, vi.fn(), new AbortController().signal);
    expect(finished).toEqual([{ body, model: 'gpt-4o-2024-08-06', usage, conversationId: 'c1' }]);
    // The same client is wrapped once.
    expect(await getApi()).toBe(await getApi());
  });

  it('records nothing when the server reports no usage', async () => {
    const onFinished = vi.fn();
    const getApi = recordingUsage(
      () => Promise.resolve(fakeApi({ choices: [], model: undefined, usage: undefined })),
      () => null,
      onFinished,
    );
    await (await getApi()).streamChat(body, vi.fn(), new AbortController().signal);
    expect(onFinished).not.toHaveBeenCalled();
  });
});
