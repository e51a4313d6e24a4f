/**
 * The message a search result asked to show: the transcript scrolls to it and marks it.
 * Handed to the transcript through Svelte context (REVEAL_CONTEXT, set by Workspace), so the
 * views between them need not pass it along.
 */
import { getContext, tick, untrack } from 'svelte';
import type { Message } from '../domain/types';

export const REVEAL_CONTEXT = Symbol('parley-reveal');

export interface RevealTarget {
  conversationId: string;
  messageId: string;
  /** Choosing the same result again scrolls to it again. */
  nonce: number;
}

/** What the transcript reads (components see this interface, never the class). */
export interface Reveal {
  readonly target: RevealTarget | null;
}

export class RevealState implements Reveal {
  #target = $state.raw<RevealTarget | null>(null);
  #nonce = 0;

  get target(): RevealTarget | null {
    return this.#target;
  }

  show(conversationId: string, messageId: string): void {
    this.#nonce += 1;
    this.#target = { conversationId, messageId, nonce: this.#nonce };
  }

  clear(): void {
    this.#target = null;
  }
}

export interface TranscriptReveal {
  /** The messages shown, oldest first. */
  messages: () => readonly Message[];
  /** The element holding the rendered messages (inside the scrolling viewport). */
  content: () => HTMLElement | undefined;
  /** Renders at least the newest `count` messages (the transcript shows a window of them). */
  showAtLeast: (count: number) => void;
  /** The transcript stops following the newest message. */
  stopFollowing: () => void;
}

/**
 * For the transcript: which of its messages a search asked to show (`messageId`), and scrolling
 * to it. The message is wrapped in an element with `data-found` by the transcript. Until the
 * person scrolls themselves (wheel, touch, keys, pointer), it is kept in view while the messages
 * around it finish rendering (Markdown loads lazily and changes their heights).
 */
export function revealInTranscript(options: TranscriptReveal): {
  readonly messageId: string | null;
} {
  const reveal = getContext<Reveal | undefined>(REVEAL_CONTEXT);
  const found = $derived.by(() => {
    const target = reveal?.target;
    if (!target) return null;
    const messages = options.messages();
    const index = messages.findIndex((message) => message.id === target.messageId);
    return index < 0 ? null : { target, fromEnd: messages.length - index };
  });
  // A string, so the effect below runs again for a new request, not for every new message.
  const request = $derived(found ? `${found.target.nonce}` : null);

  $effect(() => {
    if (request === null) return;
    return untrack(() => {
      const content = options.content();
      if (!found || !content) return undefined;
      options.showAtLeast(found.fromEnd);
      options.stopFollowing();
      return keepInView(content);
    });
  });

  return {
    get messageId() {
      return found?.target.messageId ?? null;
    },
  };
}

/** Scrolls `[data-found]` into view now and as the content resizes, until the person scrolls. */
function keepInView(content: HTMLElement): () => void {
  let isPinned = true;
  const pin = () => {
    if (isPinned) content.querySelector('[data-found]')?.scrollIntoView({ block: 'center' });
  };
  const release = () => {
    isPinned = false;
  };
  const viewport = content.parentElement ?? content;
  const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
  for (const type of events) viewport.addEventListener(type, release, { passive: true });
  const observer = new ResizeObserver(pin);
  observer.observe(content);
  void tick().then(pin);
  return () => {
    observer.disconnect();
    for (const type of events) viewport.removeEventListener(type, release);
  };
}
