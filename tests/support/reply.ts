/**
 * Turns a scenario's stream plan and a chat request into what goes on the wire: a stream's SSE
 * frames, or a chat.completion body. Pure; server.ts owns sockets and timing.
 *
 * A stream is a list of frames, one per timer slot: frame 0 (the role chunks) goes out at once,
 * frame i after i * chunkDelayMs. Choices interleave, one content chunk per frame.
 */
import type { ChatRequest } from './chat-request';
import type { FinishReason, Split, StreamPlan } from './scenarios';
import {
  chunk,
  completion,
  errorBody,
  estimateTokens,
  sseData,
  SSE_DONE,
  usage,
  type ChunkChoice,
  type CompletionMeta,
  type Usage,
} from './wire';

interface ChoiceText {
  index: number;
  text: string;
  finishReason: FinishReason | null;
}

export interface StreamScript {
  frames: string[];
  /** After the last frame: end the response, or (one slot later) destroy the socket. */
  close: 'end' | 'destroy';
}

/** Slices by characters, not UTF-16 code units, so an emoji is never cut in half. */
function sliceChars(text: string, start: number, end?: number): string {
  return Array.from(text).slice(start, end).join('');
}

function firstStopIndex(text: string, stops: readonly string[]): number | undefined {
  const found = stops.map((stop) => text.indexOf(stop)).filter((index) => index >= 0);
  return found.length > 0 ? Math.min(...found) : undefined;
}

/** Applies `stop` and the token limit, as a model would; a stream that fails keeps a null finish. */
function limitChoice(
  index: number,
  full: string,
  plan: StreamPlan,
  request: ChatRequest,
): ChoiceText {
  const planned = plan.ending.kind === 'finish' ? plan.ending.reason : null;
  let text = full;
  let finishReason = planned;
  const stopIndex = firstStopIndex(text, request.stop);
  if (stopIndex !== undefined) {
    text = text.slice(0, stopIndex);
    finishReason = planned && 'stop';
  }
  const limit = request.maxTokens;
  if (limit !== undefined && estimateTokens(text) > limit) {
    text = sliceChars(text, 0, limit * 4);
    finishReason = planned && 'length';
  }
  return { index, text, finishReason };
}

function choiceTexts(plan: StreamPlan, request: ChatRequest): ChoiceText[] {
  return Array.from({ length: request.n }, (_, index) => {
    const prefix = index === 0 ? '' : `Choice ${index + 1}: `;
    return limitChoice(index, prefix + plan.text, plan, request);
  });
}

function splitText(text: string, split: Split): string[] {
  if (split.by === 'pieces') {
    const chars = Array.from(text);
    return Array.from({ length: split.count }, (_, i) =>
      chars
        .slice(
          Math.floor((i * chars.length) / split.count),
          Math.floor(((i + 1) * chars.length) / split.count),
        )
        .join(''),
    );
  }
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += split.perChunk) {
    pieces.push(tokens.slice(i, i + split.perChunk).join(''));
  }
  return pieces;
}

/** Round-robin over the choices, so chunks of different indexes interleave as with OpenAI. */
function interleave(
  choices: readonly ChoiceText[],
  split: Split,
): { index: number; piece: string }[] {
  const pieces = choices.map((choice) => splitText(choice.text, split));
  const rounds = Math.max(0, ...pieces.map((list) => list.length));
  const out: { index: number; piece: string }[] = [];
  for (let round = 0; round < rounds; round++) {
    pieces.forEach((list, index) => {
      const piece = list[round];
      if (piece !== undefined) out.push({ index, piece });
    });
  }
  return out;
}

function sendsUsage(plan: StreamPlan, request: ChatRequest): boolean {
  return plan.usage === 'always' || (plan.usage === 'if-asked' && request.includeUsage);
}

function finalUsage(choices: readonly ChoiceText[], request: ChatRequest): Usage {
  return usage(
    request.promptTokens,
    choices.map((choice) => choice.text),
  );
}

export function streamScript(
  plan: StreamPlan,
  request: ChatRequest,
  meta: CompletionMeta,
): StreamScript {
  const choices = choiceTexts(plan, request);
  return plan.layout === 'quirky'
    ? quirkyScript(plan, choices, request, meta)
    : standardScript(plan, choices, request, meta);
}

function standardScript(
  plan: StreamPlan,
  choices: readonly ChoiceText[],
  request: ChatRequest,
  meta: CompletionMeta,
): StreamScript {
  const withUsage = sendsUsage(plan, request);
  // OpenAI adds `"usage": null` to every chunk only when usage was asked for.
  const event = (parts: ChunkChoice[]) =>
    sseData(JSON.stringify(chunk(meta, parts, withUsage ? null : undefined)));
  const roles = choices.map(({ index }) =>
    event([
      { index, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null },
    ]),
  );
  const contents = interleave(choices, plan.split).map(({ index, piece }) =>
    event([{ index, delta: { content: piece }, finish_reason: null }]),
  );
  const frames = [roles.join(''), ...contents];
  const ending = plan.ending;
  switch (ending.kind) {
    case 'finish': {
      const finishes = choices.map(({ index, finishReason }) =>
        event([{ index, delta: {}, finish_reason: finishReason }]),
      );
      const usageEvent = withUsage
        ? sseData(JSON.stringify(chunk(meta, [], finalUsage(choices, request))))
        : '';
      return { frames: [...frames, finishes.join('') + usageEvent + SSE_DONE], close: 'end' };
    }
    case 'error-event':
      return { frames: [...frames, sseData(errorBody(ending.error))], close: 'end' };
    case 'end':
      return { frames, close: 'end' };
    case 'destroy':
      return { frames, close: 'destroy' };
  }
}

// ---------------------------------------------------------------------------------------------
// The 'quirky' layout: a valid reply framed the way assorted compatible servers frame it. Each
// quirk is one a real provider sends; a client must assemble the same text as from OpenAI.

/** Azure OpenAI opens with this: no id, no model, empty `choices`. */
const AZURE_PROMPT_FILTER_CHUNK = {
  choices: [],
  created: 0,
  id: '',
  model: '',
  object: '',
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
};

/** Fields nobody documented, at every level (OpenRouter sends most of these). */
function withExtras(base: Record<string, unknown>): Record<string, unknown> {
  const choices = Array.isArray(base.choices) ? (base.choices as Record<string, unknown>[]) : [];
  return {
    ...base,
    provider: 'Quirky',
    choices: choices.map((choice) => ({
      ...choice,
      native_finish_reason: choice.finish_reason ?? null,
      delta: { ...(choice.delta as Record<string, unknown>), reasoning: null },
    })),
    ...(typeof base.usage === 'object' && base.usage !== null
      ? { usage: { ...base.usage, cost: 0 } }
      : {}),
  };
}

const crlfEvent = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;
const noSpaceEvent = (value: unknown) => `data:${JSON.stringify(value)}\n\n`;
/** One JSON object over several `data:` lines; SSE joins them with '\n', still valid JSON. */
const multiLineEvent = (value: unknown) =>
  JSON.stringify(value, null, 1)
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n') + '\n\n';

/** Cycles the framings over content events so every one appears even in a short reply. */
function quirkyContentEvent(position: number, value: unknown): string {
  switch (position % 4) {
    case 1:
      return crlfEvent(value);
    case 2:
      return multiLineEvent(value);
    case 3:
      return ': OPENROUTER PROCESSING\n\n' + noSpaceEvent(value);
    default:
      return sseData(JSON.stringify(value));
  }
}

function quirkyScript(
  plan: StreamPlan,
  choices: readonly ChoiceText[],
  request: ChatRequest,
  meta: CompletionMeta,
): StreamScript {
  const value = (parts: ChunkChoice[], chunkUsage?: Usage) =>
    withExtras(chunk(meta, parts, chunkUsage));
  const roles = choices.map(({ index }) =>
    crlfEvent(value([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }])),
  );
  const contents = interleave(choices, plan.split).map(({ index, piece }, position) =>
    quirkyContentEvent(
      position,
      value([{ index, delta: { content: piece }, finish_reason: null }]),
    ),
  );
  const nullDelta = sseData(
    JSON.stringify(value([{ index: 0, delta: { content: null }, finish_reason: null }])),
  );
  const emptyChoices = sseData(JSON.stringify(value([])));
  const finishes = choices.map(({ index, finishReason }) =>
    sseData(JSON.stringify(value([{ index, delta: {}, finish_reason: finishReason }]))),
  );
  const usageEvent = sseData(JSON.stringify(value([], finalUsage(choices, request))));
  return {
    frames: [
      ': keep-alive\n\n' + noSpaceEvent(AZURE_PROMPT_FILTER_CHUNK),
      roles.join(''),
      nullDelta,
      ...contents.slice(0, 2),
      emptyChoices,
      ...contents.slice(2),
      finishes.join(''),
      usageEvent + SSE_DONE,
    ],
    close: 'end',
  };
}

/** The non-streaming answer (`stream` absent or false). */
export function completionBody(
  plan: StreamPlan,
  request: ChatRequest,
  meta: CompletionMeta,
): string {
  const choices = choiceTexts(plan, request);
  return JSON.stringify(
    completion(
      meta,
      choices.map(({ text, finishReason }) => ({ text, finishReason })),
      finalUsage(choices, request),
    ),
  );
}
