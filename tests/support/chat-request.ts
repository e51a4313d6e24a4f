/**
 * Reads a POST /chat/completions body the way OpenAI does: rejects what OpenAI rejects (with its
 * messages) and extracts the few parameters the test server honours. The body is `unknown` until
 * narrowed here.
 */
import { invalidParamError, type ErrorReply } from './scenarios';
import { estimateTokens } from './wire';

/** OpenAI allows up to 128; eight is plenty to test choices and keeps streams short. */
export const MAX_CHOICES = 8;

export interface ChatRequest {
  model: string;
  isStream: boolean;
  includeUsage: boolean;
  n: number;
  stop: string[];
  /** max_completion_tokens, else max_tokens. */
  maxTokens: number | undefined;
  /** The last user message's text parts, joined; '' when there is none. */
  lastUserText: string;
  promptTokens: number;
}

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message's text: `content` may be a string or an array of parts, of which text parts count. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is Loose => isRecord(part) && part.type === 'text')
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

function lastUserText(messages: readonly unknown[]): string {
  const last = messages.findLast((message) => isRecord(message) && message.role === 'user');
  return isRecord(last) ? contentText(last.content) : '';
}

/** OpenAI's accounting: about four tokens of framing per message plus three to prime the reply. */
function promptTokens(messages: readonly unknown[]): number {
  const texts = messages.map((message) => (isRecord(message) ? contentText(message.content) : ''));
  return texts.reduce((sum, text) => sum + 4 + estimateTokens(text), 3);
}

function stopSequences(stop: unknown): string[] {
  const list = Array.isArray(stop) ? (stop as unknown[]) : [stop];
  return list.filter((item): item is string => typeof item === 'string' && item !== '');
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function validateChoiceCount(n: unknown): ErrorReply | number {
  if (n === undefined || n === null) return 1;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    return invalidParamError(
      `Invalid type for 'n': expected an integer, but got ${typeof n} instead.`,
      'n',
      'invalid_type',
    );
  }
  if (n < 1) {
    return invalidParamError(
      `Invalid 'n': integer below minimum value. Expected a value >= 1, but got ${n} instead.`,
      'n',
      'integer_below_min_value',
    );
  }
  if (n > MAX_CHOICES) {
    return invalidParamError(
      `Invalid 'n': integer above maximum value. Expected a value <= ${MAX_CHOICES}, but got ${n} instead.`,
      'n',
      'integer_above_max_value',
    );
  }
  return n;
}

export function parseChatRequest(body: unknown): ChatRequest | ErrorReply {
  const request = isRecord(body) ? body : {};
  if (typeof request.model !== 'string' || request.model === '') {
    return invalidParamError('you must provide a model parameter', null, null);
  }
  const messages = request.messages;
  if (messages === undefined) {
    return invalidParamError(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  }
  if (!Array.isArray(messages)) {
    return invalidParamError(
      `Invalid type for 'messages': expected an array of objects, but got ${typeof messages} instead.`,
      'messages',
      'invalid_type',
    );
  }
  if (messages.length === 0) {
    return invalidParamError(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  const n = validateChoiceCount(request.n);
  if (typeof n !== 'number') return n;
  const streamOptions = isRecord(request.stream_options) ? request.stream_options : {};
  return {
    model: request.model,
    isStream: request.stream === true,
    includeUsage: streamOptions.include_usage === true,
    n,
    stop: stopSequences(request.stop),
    maxTokens:
      positiveInteger(request.max_completion_tokens) ?? positiveInteger(request.max_tokens),
    lastUserText: lastUserText(messages),
    promptTokens: promptTokens(messages),
  };
}
