/**
 * Incremental Markdown rendering for a reply that grows while it streams.
 *
 * Re-rendering the whole reply per chunk is quadratic and drops frames on long answers. Instead
 * the text is split into finished blocks, each rendered exactly once, and one open block at the
 * end that is re-rendered as it grows.
 *
 * When a block is finished: the complete lines after `committedLength` are lexed with marked and
 * every top-level token before the last non-space token is final. In CommonMark a block closes
 * as soon as a following line does not continue it, and nothing appended later reaches back past
 * a block that has already started. Two refinements make this hold for marked as it is:
 * - Only complete lines count: a partial line can still change its kind ("3" is a paragraph
 *   that closes a list; "3. x" continues it).
 * - A run of finished tokens is rendered from its own source, so it is committed only if lexing
 *   that source alone gives the same tokens (see `finishedPrefixLength`).
 * An unclosed code fence lexes as code up to the end of the text: it is the last token and stays
 * open, as it should.
 *
 * The result equals `render(wholeText)`: marked renders top-level tokens one after another and
 * the sanitizer serialises sibling elements independently. Known exception, accepted because
 * models rarely write them: reference-style links (`[text][ref]` with `[ref]: url` in another
 * block) do not resolve across blocks.
 *
 * Cost per update is proportional to the open block (plus an O(n) prefix comparison, which is a
 * memcmp), not to the whole reply. Throttling updates to animation frames is the caller's job.
 */
import type { Token } from 'marked';
import { lexMarkdown, renderMarkdown } from './render';

export interface RenderedBlock {
  readonly id: number;
  readonly html: string;
}

export class IncrementalMarkdown {
  readonly #render: (src: string) => string;
  /** The text as last passed to `update`, to detect appends. */
  #input = '';
  /** `#input` with line endings normalised to `\n`; the offsets below index this string. */
  #source = '';
  #committedLength = 0;
  /** End of the complete lines already examined for finished blocks. */
  #examinedLength = 0;
  #blocks: readonly RenderedBlock[] = [];
  #tailHtml = '';
  #isFinished = false;
  // Never reset, so a keyed list cannot mistake a block from before a reset for a new one.
  #nextId = 0;

  constructor(render: (src: string) => string = renderMarkdown) {
    this.#render = render;
  }

  /** Finished blocks, append-only. A new array whenever one is added, so identity means change. */
  get blocks(): readonly RenderedBlock[] {
    return this.#blocks;
  }

  /** HTML of the open block at the end, still growing. */
  get tailHtml(): string {
    return this.#tailHtml;
  }

  /** `text` is the whole reply so far. Anything but an append (or any change after `finish`) starts over. */
  update(text: string): void {
    if (text === this.#input) return;
    if (this.#isFinished || !text.startsWith(this.#input)) this.#reset();
    this.#append(text);
    this.#commitFinishedBlocks();
    const tail = this.#source.slice(this.#committedLength);
    this.#tailHtml = tail === '' ? '' : this.#render(tail);
  }

  /** The stream ended: nothing can continue the open block, so it becomes a finished block. */
  finish(): void {
    this.#isFinished = true;
    if (this.#committedLength === this.#source.length) return;
    this.#commit(this.#source.length, this.#tailHtml);
    this.#tailHtml = '';
  }

  #reset(): void {
    this.#input = '';
    this.#source = '';
    this.#committedLength = 0;
    this.#examinedLength = 0;
    this.#blocks = [];
    this.#tailHtml = '';
    this.#isFinished = false;
  }

  /** Normalises only the new part; a `\r\n` split across two chunks must not count twice. */
  #append(text: string): void {
    let added = text.slice(this.#input.length);
    if (this.#input.endsWith('\r') && added.startsWith('\n')) added = added.slice(1);
    this.#input = text;
    this.#source += added.replace(/\r\n?/g, '\n');
  }

  #commitFinishedBlocks(): void {
    const completeLength = this.#source.lastIndexOf('\n') + 1;
    // Most chunks add no line break: the verdict on the complete lines cannot have changed.
    if (completeLength <= this.#examinedLength) return;
    this.#examinedLength = completeLength;
    const complete = this.#source.slice(this.#committedLength, completeLength);
    const finishedLength = finishedPrefixLength(complete, lexMarkdown(complete));
    if (finishedLength === 0) return;
    this.#commit(
      this.#committedLength + finishedLength,
      this.#render(complete.slice(0, finishedLength)),
    );
  }

  #commit(end: number, html: string): void {
    this.#committedLength = end;
    // Leading blank lines render to nothing: no empty block for the DOM to keep.
    if (html === '') return;
    this.#blocks = [...this.#blocks, { id: this.#nextId++, html }];
  }
}

/**
 * Length of the longest run of finished tokens (those before the last non-space token) that
 * renders the same on its own. Marked is not purely line-by-line: "text\n2. two\n" is one
 * paragraph, yet a following "---" splits it into a paragraph and a list. A run only counts if
 * lexing its source alone gives the same tokens; otherwise a shorter run is tried, and the rest
 * waits for a later update (the context that changed it is then inside the run).
 */
function finishedPrefixLength(src: string, tokens: readonly Token[]): number {
  const lastOpen = tokens.findLastIndex((token) => token.type !== 'space');
  for (let count = lastOpen; count > 0; count--) {
    const finished = tokens.slice(0, count);
    const raw = finished.map((token) => token.raw).join('');
    // Marked inserts a "\n" when it merges some tokens, so `raw` is not always the source.
    if (src.startsWith(raw) && lexesAlike(raw, finished)) return raw.length;
  }
  return 0;
}

function lexesAlike(src: string, expected: readonly Token[]): boolean {
  const actual = lexMarkdown(src);
  return (
    actual.length === expected.length &&
    actual.every((token, i) => {
      const other = expected[i];
      return (
        token.type === other?.type && token.raw === other.raw && textOf(token) === textOf(other)
      );
    })
  );
}

// The text a block-level token carries after marked's clean-up (indentation stripped, merges).
function textOf(token: Token): unknown {
  return 'text' in token ? token.text : undefined;
}
