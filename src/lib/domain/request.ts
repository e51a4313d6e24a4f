/**
 * Builds the exact Chat Completions body Parley posts. What the parameters form shows is what this
 * returns, field for field: nothing is added behind the user's back except the streaming flags.
 */
import type { ChatParams, Message } from './types';

export interface ChatRequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatRequestMessage[];
  temperature: number;
  max_tokens?: number;
  stream: true;
  /** Asks for the final usage chunk; servers that do not know it just send no usage. */
  stream_options: { include_usage: true };
}

/**
 * Whether a stored message belongs in the context sent to the model. A reply that failed before
 * any text arrived carries nothing the model should see; a stopped or cut-off reply does, because
 * the person read it and may be answering it.
 */
export function isSendable(message: Message): boolean {
  return !(message.role === 'assistant' && message.content === '');
}

export function buildChatRequest(
  systemPrompt: string,
  params: ChatParams,
  history: readonly Message[],
): ChatRequestBody {
  const messages: ChatRequestMessage[] = [];
  if (systemPrompt.trim() !== '') messages.push({ role: 'system', content: systemPrompt });
  for (const message of history) {
    if (isSendable(message)) messages.push({ role: message.role, content: message.content });
  }
  return {
    model: params.model.trim(),
    messages,
    temperature: params.temperature,
    ...(params.maxTokens === null ? {} : { max_tokens: params.maxTokens }),
    stream: true,
    stream_options: { include_usage: true },
  };
}
