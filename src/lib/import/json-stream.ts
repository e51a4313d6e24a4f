/**
 * Reads a JSON document that arrives in pieces without ever holding its whole parse tree.
 *
 * Every supported export that can reach hundreds of MB (ChatGPT's conversations.json, Open
 * WebUI's chat list) is one top-level array of conversations. For those, each element's text is
 * cut out as it streams past and parsed on its own, so at any time only one conversation's text
 * and tree are in memory besides what has been converted. (V8 cannot even hold a string over
 * ~512 MB, so `JSON.parse` of a whole large export is impossible, not just slow.) A top-level
 * object (the smaller backup formats) is collected and parsed whole.
 *
 * Nesting depth is checked while scanning, before `JSON.parse` sees the text: its recursion
 * overflows the stack on a few thousand levels, which would be a crash instead of a message.
 */
import { IMPORT_LIMITS, refuse } from './types';

export interface JsonStreamHandlers {
  /** One element of a top-level array, parsed. */
  element(value: unknown, index: number): void;
  /** The whole document when it is not an array. */
  document(value: unknown): void;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

export class JsonStream {
  readonly #handlers: JsonStreamHandlers;
  readonly #maxDepth: number;
  #mode: 'start' | 'array' | 'document' | 'done' = 'start';
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Text of the element (or document) being collected, in pieces. */
  #pieces: string[] = [];
  #hasContent = false;
  #count = 0;

  constructor(handlers: JsonStreamHandlers, maxDepth: number = IMPORT_LIMITS.maxDepth) {
    this.#handlers = handlers;
    this.#maxDepth = maxDepth;
  }

  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const code = chunk.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (code === BACKSLASH) this.#escaped = true;
        else if (code === QUOTE) this.#inString = false;
        continue;
      }
      if (this.#mode === 'start') {
        if (isSpace(code) || code === 0xfeff) {
          start = i + 1;
          continue;
        }
        if (code === OPEN_BRACKET) {
          this.#mode = 'array';
          this.#depth = 1;
          start = i + 1;
          continue;
        }
        this.#mode = 'document';
        start = i;
      }
      if (this.#mode === 'done') {
        if (!isSpace(code)) refuse({ kind: 'not-json' });
        continue;
      }
      if (code === QUOTE) {
        this.#inString = true;
        this.#hasContent = true;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        this.#depth += 1;
        this.#hasContent = true;
        if (this.#depth > this.#maxDepth) refuse({ kind: 'too-deep', limit: this.#maxDepth });
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.#depth -= 1;
        if (this.#depth < 0) refuse({ kind: 'not-json' });
        if (this.#mode === 'array' && this.#depth === 0) {
          // The closing bracket of the top-level array: the last element ends here.
          this.#pieces.push(chunk.slice(start, i));
          this.#flushElement(true);
          this.#mode = 'done';
          start = i + 1;
        }
      } else if (code === COMMA && this.#mode === 'array' && this.#depth === 1) {
        this.#pieces.push(chunk.slice(start, i));
        this.#flushElement(false);
        start = i + 1;
      } else if (!isSpace(code)) {
        this.#hasContent = true;
      }
    }
    if (this.#mode === 'array' || this.#mode === 'document') this.#pieces.push(chunk.slice(start));
  }

  /** The input has ended: a document is parsed now; a cut-off array is refused. */
  end(): void {
    if (this.#mode === 'document') {
      if (this.#depth !== 0 || this.#inString) refuse({ kind: 'not-json' });
      const text = this.#pieces.join('');
      this.#pieces = [];
      this.#mode = 'done';
      this.#handlers.document(parse(text));
      return;
    }
    if (this.#mode !== 'done') refuse({ kind: 'not-json' });
  }

  #flushElement(isLast: boolean): void {
    const text = this.#pieces.join('');
    this.#pieces = [];
    const hadContent = this.#hasContent;
    this.#hasContent = false;
    // `[]` has no element; `[1,]` or `[,1]` is not JSON.
    if (!hadContent) {
      if (isLast && this.#count === 0) return;
      refuse({ kind: 'not-json' });
    }
    this.#handlers.element(parse(text), this.#count);
    this.#count += 1;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return refuse({ kind: 'not-json' });
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
