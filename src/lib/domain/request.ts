/**
 * Builds the exact Chat Completions body Parley posts. What the parameters form shows is what this
 * returns, field for field: a parameter left empty is left out (the model's default applies), a
 * parameter the model rejects is left out and the form says so, and nothing is added behind the
 * person's back except the streaming flags.
 */
import type { ModelInfo } from '../models/types';
import type { ChatParams, Message } from './types';

export interface ChatRequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatRequestMessage[];
  temperature?: number;
  max_tokens?: number;
  /** Reasoning models take this instead of max_tokens (which they reject). */
  max_completion_tokens?: number;
  top_p?: number;
  n?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  response_format?: { type: 'json_object' };
  reasoning_effort?: NonNullable<ChatParams['reasoningEffort']>;
  stream: true;
  /** Asks for the final usage chunk; servers that do not know it just send no usage. */
  stream_options: { include_usage: true };
}

/**
 * Whether a stored message belongs in the context sent to the model. A reply that failed before
 * any text arrived carries nothing the model should see; a stopped or cut-off reply does, because
 * the person read it and may be answering it.
 */
export function isSendable(message: Pick<Message, 'role' | 'content'>): boolean {
  return !(message.role === 'assistant' && message.content === '');
}

/** The parameters that go into the body besides model and messages, as the model accepts them. */
function parameterFields(params: ChatParams, info: ModelInfo): Partial<ChatRequestBody> {
  const accepts = (name: ModelInfo['unsupported'][number]) => !info.unsupported.includes(name);
  const body: Partial<ChatRequestBody> = {};
  if (accepts('temperature')) body.temperature = params.temperature;
  if (params.maxTokens !== null) {
    if (info.usesMaxCompletionTokens) body.max_completion_tokens = params.maxTokens;
    else body.max_tokens = params.maxTokens;
  }
  if (params.topP !== null && accepts('top_p')) body.top_p = params.topP;
  if (params.n > 1 && accepts('n')) body.n = params.n;
  if (params.stop.length > 0 && accepts('stop')) body.stop = params.stop;
  if (params.presencePenalty !== null && accepts('presence_penalty')) {
    body.presence_penalty = params.presencePenalty;
  }
  if (params.frequencyPenalty !== null && accepts('frequency_penalty')) {
    body.frequency_penalty = params.frequencyPenalty;
  }
  if (params.seed !== null && accepts('seed')) body.seed = params.seed;
  if (
    params.responseFormat === 'json_object' &&
    accepts('response_format') &&
    info.supportsJsonObject
  ) {
    body.response_format = { type: 'json_object' };
  }
  if (params.reasoningEffort !== null && info.supportsReasoningEffort) {
    body.reasoning_effort = params.reasoningEffort;
  }
  return body;
}

export function buildChatRequest(
  systemPrompt: string,
  params: ChatParams,
  history: readonly Pick<Message, 'role' | 'content'>[],
  info: ModelInfo,
): ChatRequestBody {
  const messages: ChatRequestMessage[] = [];
  // o1-mini and o1-preview answer a system message with a 400; for them the instructions travel
  // as the first user message instead of being dropped.
  const instructionsRole = info.supportsSystemMessage === false ? 'user' : 'system';
  if (systemPrompt.trim() !== '') messages.push({ role: instructionsRole, content: systemPrompt });
  for (const message of history) {
    if (isSendable(message)) messages.push({ role: message.role, content: message.content });
  }
  return {
    model: params.model.trim(),
    messages,
    ...parameterFields(params, info),
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** Problems with a whole request that no single field shows. */
export type RequestProblem = 'json-word';

/**
 * OpenAI rejects `response_format: json_object` unless the word "JSON" appears in the messages
 * ("'messages' must contain the word 'json' in some form"): say so before sending, not after.
 */
export function requestProblem(body: ChatRequestBody): RequestProblem | null {
  if (body.response_format?.type !== 'json_object') return null;
  return body.messages.some((m) => /json/i.test(m.content)) ? null : 'json-word';
}
