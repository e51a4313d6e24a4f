/**
 * Titles written by the model ("Name new chats with the model" in Settings, off by default: it is
 * an extra request the person pays for). After a new chat's first reply, the conversation's model,
 * or the cheaper Title model chosen in Settings, is asked for a short title in the conversation's
 * own language, and the title is written through ConversationsState like any other change.
 *
 * Decisions:
 * - Never in the way: `suggest` resolves when done and never rejects; the caller does not await
 *   it. Every failure (no key, network, a refusal, an empty answer) leaves the title from the
 *   first message as it was, and nothing is logged: an error can carry request details.
 * - A person's choice wins: nothing is asked for a conversation whose title is custom, and the
 *   write checks again on the newest version (a rename while the request ran stays).
 * - One request per conversation per page, however often `suggest` is called.
 */
import type { ChatApi } from '../api/client';
import type { ChatRequestBody } from '../domain/request';
import type { Conversation, Settings } from '../domain/types';

export interface AutoTitleDeps {
  getApi: () => Promise<Pick<ChatApi, 'streamChat'>>;
  conversations: {
    get(id: string): Conversation | null;
    update(id: string, change: (conversation: Conversation) => Conversation): Promise<void>;
  };
  settings: () => Pick<Settings, 'isAutoTitleOn' | 'titleModel'>;
  /** How long the title request may take (a slow answer is no use once the chat has moved on). */
  timeoutMs?: number;
}

/** Sent to the model; not a string a person reads, so not in the catalogs. */
const INSTRUCTION =
  'Write a short title (at most six words) for the conversation below. Use the language the ' +
  'conversation is written in. Reply with the title only: no quotes, no final punctuation.';

/** How much of each message the model sees: enough to name it, cheap to send. */
const EXCERPT_CHARS = 1_500;
const MAX_TITLE_CHARS = 80;

/** The model's answer as a title: one line, no wrapping quotes or final punctuation. */
export function cleanTitle(answer: string): string {
  const line =
    answer
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '') ?? '';
  const QUOTES = /^["'“”‘’「」《》*_`]+|["'“”‘’「」《》*_`]+$/g;
  const FINAL = /[.。!！?？,，;；:：]+$/u;
  const title = line
    .replace(/^(title|标题)\s*[:：]\s*/i, '')
    .replace(QUOTES, '')
    .replace(FINAL, '')
    .replace(QUOTES, '')
    .replace(FINAL, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Counted in graphemes, so an emoji or a combined character is never cut in half.
  const graphemes = Array.from(new Intl.Segmenter().segment(title), (part) => part.segment);
  return graphemes.length > MAX_TITLE_CHARS
    ? `${graphemes.slice(0, MAX_TITLE_CHARS - 1).join('')}…`
    : title;
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** Reasoning models reject max_tokens and spend hidden tokens before answering. */
function isReasoningModel(model: string): boolean {
  const id = model.toLowerCase().split('/').pop() ?? '';
  return /^(o\d|gpt-5)/.test(id);
}

export class AutoTitler {
  readonly #deps: AutoTitleDeps;
  readonly #asked = new Set<string>();

  constructor(deps: AutoTitleDeps) {
    this.#deps = deps;
  }

  /** Asks for a title when the setting is on and the title is not the person's own. */
  async suggest(
    conversation: Conversation,
    firstUserText: string,
    firstReplyText: string,
  ): Promise<void> {
    const { isAutoTitleOn, titleModel } = this.#deps.settings();
    if (!isAutoTitleOn || conversation.isTitleCustom || this.#asked.has(conversation.id)) return;
    if (firstUserText.trim() === '') return;
    this.#asked.add(conversation.id);
    const model = titleModel ?? conversation.params.model;
    const body: ChatRequestBody = {
      model,
      messages: [
        { role: 'system', content: INSTRUCTION },
        {
          role: 'user',
          content: `User: ${excerpt(firstUserText)}\n\nAssistant: ${excerpt(firstReplyText)}`,
        },
      ],
      ...(isReasoningModel(model) ? {} : { max_tokens: 32 }),
      stream: true,
      stream_options: { include_usage: true },
    };
    try {
      const api = await this.#deps.getApi();
      const signal = AbortSignal.timeout(this.#deps.timeoutMs ?? 60_000);
      const result = await api.streamChat(body, () => undefined, signal);
      const choice = result.choices[0];
      if (signal.aborted || !choice || choice.refusal !== undefined) return;
      const title = cleanTitle(choice.content);
      if (title === '') return;
      await this.#deps.conversations.update(conversation.id, (current) =>
        current.isTitleCustom ? current : { ...current, title },
      );
    } catch {
      // Silent by design (see the header): the first message's title stays.
    }
  }
}
