/**
 * Where a reply's text is TeX math: `$…$`, `\(…\)` inline, `$$…$$` and `\[…\]` display.
 *
 * Replies use `$` for money and shell variables far more often than for math, so a single `$`
 * opens math only on the evidence of a closer (Pandoc's rule, tightened):
 * - the opening `$` is not preceded by a letter, digit or `$` ("US$5") and is followed by a
 *   non-space character;
 * - the closing `$` is preceded by a non-space character and not followed by a letter, digit,
 *   `_` or `$` ("$PATH:$HOME", "$5-$10");
 * - the math stays on one line.
 * So "it costs $5 and $10" stays text: the `$` before 10 follows a space and closes nothing.
 *
 * No inline math contains a backtick: "a $b `c$` d" is a code span, as CommonMark's precedence
 * would have it. Code spans and code blocks are tokenized by marked itself, so math never
 * starts inside them.
 *
 * These are pure functions over strings: the marked extensions in render.ts call them, and the
 * enhancer reads the TeX back from the source text the renderer leaves in place.
 */

export interface MathMatch {
  /** The source text including its delimiters. */
  readonly raw: string;
  readonly tex: string;
  readonly isDisplay: boolean;
}

const PAREN = /^\\\(((?:\\[^]|[^\\`])+?)\\\)/;
const BRACKET = /^\\\[((?:\\[^]|[^\\`])+?)\\\]/;
const DOUBLE_DOLLAR = /^\$\$((?:\\[^]|[^\\$`])+?)\$\$/;
const DOLLAR = /^\$(?=[^\s$])((?:\\[^\n]|[^\\$`\n])*?[^\s\\$`])\$(?![A-Za-z0-9_$])/;
const WORD_BEFORE = /[A-Za-z0-9$]$/;

/** Math at the very start of `src`, an inline position; `before` is the text just before it. */
export function matchInlineMath(src: string, before: string): MathMatch | undefined {
  const first = src[0];
  if (first === '\\') {
    const paren = PAREN.exec(src);
    if (paren?.[1] && paren[1].trim() !== '') return match(paren[0], paren[1], false);
    const bracket = BRACKET.exec(src);
    if (bracket?.[1] && bracket[1].trim() !== '') return match(bracket[0], bracket[1], true);
    return undefined;
  }
  if (first !== '$' || WORD_BEFORE.test(before)) return undefined;
  const double = DOUBLE_DOLLAR.exec(src);
  if (double?.[1] && double[1].trim() !== '') return match(double[0], double[1], true);
  const single = DOLLAR.exec(src);
  if (single?.[1]) return match(single[0], single[1], false);
  return undefined;
}

/** Where inline math might start in `src` (a hint for marked's text tokenizer), or -1. */
export function inlineMathStart(src: string): number {
  return src.search(/\$|\\[([]/);
}

const BLOCK_DOLLARS = /^ {0,3}\$\$((?:\\[^]|[^\\$])+?)\$\$[ \t]*(?:\n|$)/;
const BLOCK_BRACKETS = /^ {0,3}\\\[((?:\\[^]|[^\\])+?)\\\][ \t]*(?:\n|$)/;

/** A display block (`$$…$$` or `\[…\]` starting a line and ending one) at the start of `src`. */
export function matchBlockMath(src: string): MathMatch | undefined {
  const found = BLOCK_DOLLARS.exec(src) ?? BLOCK_BRACKETS.exec(src);
  if (!found?.[1] || found[1].trim() === '') return undefined;
  return match(found[0], found[1], true);
}

/**
 * Where a display block might start in `src`: a line beginning with `$$` or `\[`, or -1. Marked
 * asks this before each paragraph, with the rest of the reply, and only to know where the
 * paragraph must stop; so the search ends at the first blank line, where the paragraph ends
 * anyway (searching to the end each time would make lexing quadratic).
 */
export function blockMathStart(src: string): number {
  if (/^ {0,3}(?:\$\$|\\\[)/.test(src)) return 0;
  const found = /\n(?: {0,3}(\$\$|\\\[)|[ \t]*(?:\n|$))/.exec(src);
  return found?.[1] ? found.index + 1 : -1;
}

/**
 * The TeX in a rendered placeholder's text (the source with its delimiters, as the renderer
 * writes it), or undefined if the text is not delimited math.
 */
export function parseMathSource(source: string): MathMatch | undefined {
  const text = source.trim();
  const found = matchBlockMath(text) ?? matchInlineMath(text, '');
  return found?.raw.trim() === text ? found : undefined;
}

function match(raw: string, tex: string, isDisplay: boolean): MathMatch {
  return { raw, tex: tex.trim(), isDisplay };
}
