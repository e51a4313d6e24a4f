/**
 * Records the usage of every finished chat request, whoever made it (a send, a regenerate, a
 * continue, a title), by wrapping the API the chat state is given. One `streamChat` call is one
 * request, so an n > 1 request is recorded once with the usage that covers all its choices. A
 * request the server reports no usage for (stopped before the final chunk, or a server that does
 * not send it) records nothing: Parley will not invent numbers.
 */
import type { ChatApi } from '../api/client';
import type { ChatRequestBody } from '../domain/request';
import type { Usage } from '../domain/types';
import type { UsageState } from './usage.svelte';

export interface FinishedRequest {
  body: ChatRequestBody;
  /** The model the server says answered, else the one requested. */
  model: string;
  usage: Usage;
  /** What `context()` said when the request started (the conversation it was sent from). */
  conversationId: string | null;
}

export function recordingUsage(
  getApi: () => Promise<ChatApi>,
  context: () => string | null,
  onFinished: (request: FinishedRequest) => void,
): () => Promise<ChatApi> {
  const wrapped = new WeakMap<ChatApi, ChatApi>();
  return async () => {
    const api = await getApi();
    let recording = wrapped.get(api);
    if (!recording) {
      recording = {
        ...api,
        streamChat: async (body, onDelta, signal) => {
          const conversationId = context();
          const result = await api.streamChat(body, onDelta, signal);
          if (result.usage) {
            onFinished({
              body,
              model: result.model ?? body.model,
              usage: result.usage,
              conversationId,
            });
          }
          return result;
        },
      };
      wrapped.set(api, recording);
    }
    return recording;
  };
}

/** The `onFinished` that stores each request in `usage`, priced for the endpoint in use. */
export function recordInto(
  usage: () => Promise<Pick<UsageState, 'record'>>,
  baseUrl: () => string,
  report: (error: unknown) => void,
): (request: FinishedRequest) => void {
  return ({ conversationId, model, usage: tokens }) => {
    // Read now, not once the usage code has loaded: the request went to this endpoint.
    const endpoint = baseUrl();
    usage()
      .then((state) => state.record({ conversationId, model, baseUrl: endpoint, usage: tokens }))
      .catch(report);
  };
}
