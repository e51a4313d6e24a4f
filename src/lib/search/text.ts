/**
 * How search reads text: folding, tokens for the index, queries, matching and passages.
 *
 * - Latin (and every other script with spaces) is folded: NFKD, combining marks stripped, lower
 *   case, so "Café" and "cafe" are one word and full-width "ＡＢＣ" is "abc".
 * - Chinese, Japanese and Korean runs are cut by `Intl.Segmenter` (granularity 'word') AND into
 *   overlapping character bigrams (plus the run's last character alone). The segmenter's words
 *   rank whole-word hits; the bigrams let a two-character search inside a longer word match, and
 *   a one-character search match as a prefix of a bigram.
 * - The index only proposes candidates. Every hit is verified against the stored text here
 *   (`matchRanges`): each word must occur (the last one as a prefix, since people type it), and a
 *   "quoted phrase" must occur as written, folded. So what is shown is always really there.
 *
 * Pure functions, no I/O: the worker, the plain scan and the tests all share them.
 */

/** CJK ideographs, kana and hangul: scripts written without spaces between words. */
const CJK_CLASS = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆]`;
const CJK_RUN = new RegExp(`${CJK_CLASS}+`, 'u');
const CJK_CHAR = new RegExp(`^${CJK_CLASS}$`, 'u');
/** Word characters of every script. */
const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
/**
 * A token: a CJK run (group 1) or a run of other word characters. One pass with the `v` flag's
 * class subtraction is several times faster than finding words, then CJK inside them. Built
 * from a string: TypeScript's ES2022 target rejects a `v` literal, the browsers Parley supports
 * (Chrome 112+, Firefox 116+, Safari 17+) all run it.
 */
const TOKEN = new RegExp(String.raw`(${CJK_CLASS}+)|[[\p{L}\p{N}\p{M}]--${CJK_CLASS}]+`, 'gv');
const MARKS = /\p{M}/gu;

/** Case and accents dropped, compatibility forms (full-width, ligatures) unified. */
export function fold(text: string): string {
  // NFC afterwards puts Hangul syllables back together (NFKD splits them into jamo, which are
  // letters, not marks).
  return text.normalize('NFKD').replace(MARKS, '').normalize('NFC').toLowerCase();
}

/**
 * `fold`, with where each folded character came from, so a match found in folded text can be
 * marked in the original. `origin[i]` is the index in `text` of the character that produced the
 * folded character `i`; `origin[folded.length]` is `text.length`.
 */
export function foldWithOrigin(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    const piece = fold(char);
    for (let i = 0; i < piece.length; i += 1) origin.push(index);
    folded += piece;
    index += char.length;
  }
  origin.push(text.length);
  return { folded, origin };
}

let segmenter: Intl.Segmenter | null | undefined;

/** Undefined where the engine lacks Intl.Segmenter (older Firefox): bigrams alone then. */
function cjkSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter =
      typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter('zh', { granularity: 'word' })
        : null;
  }
  return segmenter;
}

/** Bigrams of a CJK run and its last character alone (see the header). */
function bigrams(run: string): string[] {
  const chars = Array.from(run);
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1)
    grams.push(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  const last = chars.at(-1);
  if (last !== undefined) grams.push(last);
  return grams;
}

/** The words of a CJK run as the segmenter sees them (each longer than one character). */
function cjkWords(run: string): string[] {
  const words: string[] = [];
  const segments = cjkSegmenter()?.segment(run);
  if (!segments) return words;
  for (const { segment, isWordLike } of segments) {
    if (isWordLike && Array.from(segment).length > 1) words.push(segment);
  }
  return words;
}

/** Calls `onWord` for each non-CJK word and `onCjk` for each CJK run of folded text, in order. */
function scan(folded: string, onWord: (word: string) => void, onCjk: (cjk: string) => void) {
  for (const found of folded.matchAll(TOKEN)) {
    if (found[1] === undefined) onWord(found[0]);
    else onCjk(found[0]);
  }
}

/** The terms a text is indexed under (folded). Repeats are kept: the index counts them. */
export function indexTerms(text: string): string[] {
  const folded = fold(text);
  // Most text has no CJK at all: one regex pass, no segmenter.
  if (!CJK_RUN.test(folded)) return folded.match(WORD_RUN) ?? [];
  const terms: string[] = [];
  const runs: string[] = [];
  scan(
    folded,
    (word) => terms.push(word),
    (cjk) => {
      runs.push(cjk);
      for (const gram of bigrams(cjk)) terms.push(gram);
    },
  );
  // One segmenter pass over all the runs of the text: a call per run costs ten times more.
  for (const word of cjkWords(runs.join(' '))) terms.push(word);
  return terms;
}

/** One thing the person asked for: a word (or CJK run) typed, or a "quoted phrase". */
export interface QueryPart {
  /** Folded, as it must appear in the folded text. */
  text: string;
  isPhrase: boolean;
  /** The last word typed with no space after it yet: it may be the start of a longer word. */
  isPrefix: boolean;
}

export interface ParsedQuery {
  parts: QueryPart[];
}

/**
 * Words and "phrases" of what was typed. Several parts must all match. An unclosed quote
 * counts as a phrase up to the end (the person is still typing it).
 */
export function parseQuery(input: string): ParsedQuery {
  const parts: QueryPart[] = [];
  const folded = fold(input);
  const pattern = /"([^"]*)"?|[^\s"]+/g;
  for (const found of folded.matchAll(pattern)) {
    const phrase = found[1];
    if (phrase !== undefined) {
      const text = phrase.trim().replace(/\s+/g, ' ');
      if (text !== '') parts.push({ text, isPhrase: true, isPrefix: false });
      continue;
    }
    // Punctuation alone ("-", "?") finds nothing useful; words inside "e-mail" still count.
    const words = [...found[0].matchAll(WORD_RUN)].map(([word]) => word);
    for (const word of words) parts.push({ text: word, isPhrase: false, isPrefix: false });
  }
  const last = parts.at(-1);
  if (last && !last.isPhrase && !/\s$/.test(input)) last.isPrefix = true;
  return { parts };
}

/** A MiniSearch query tree: strings are single terms (search-time tokenizing is the identity). */
export type TermQuery = string | { combineWith: 'AND'; prefix?: boolean; queries: TermQuery[] };

/**
 * The index query for a parsed query: every part's terms must all be in a document. A CJK run is
 * asked for by its bigrams (so it matches inside longer words); the part being typed is a prefix.
 * Returns null when there is nothing to look for.
 */
export function toIndexQuery(query: ParsedQuery): TermQuery | null {
  const queries: TermQuery[] = [];
  for (const part of query.parts) {
    const terms: string[] = [];
    const prefixed: string[] = [];
    const tokens: { text: string; isCjk: boolean }[] = [];
    scan(
      part.text,
      (word) => tokens.push({ text: word, isCjk: false }),
      (cjk) => tokens.push({ text: cjk, isCjk: true }),
    );
    tokens.forEach((token, index) => {
      const isTyped = part.isPrefix && index === tokens.length - 1;
      const chars = Array.from(token.text);
      if (!token.isCjk) (isTyped ? prefixed : terms).push(token.text);
      else if (chars.length === 1) prefixed.push(token.text);
      else
        for (let i = 0; i + 1 < chars.length; i += 1)
          terms.push(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
    });
    queries.push(...terms);
    if (prefixed.length > 0) queries.push({ combineWith: 'AND', prefix: true, queries: prefixed });
  }
  if (queries.length === 0) return null;
  return { combineWith: 'AND', queries };
}

/**
 * A quick test that every part occurs somewhere in the text, before `matchRanges` does the exact
 * one: a plain scan over thousands of messages rejects most of them here.
 */
export function mayMatch(text: string, query: ParsedQuery): boolean {
  const folded = fold(text);
  return query.parts.length > 0 && query.parts.every((part) => folded.includes(part.text));
}

/** A stretch of the original text, [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** Is this folded character a word character (for the whole-word start check)? */
function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char) && !CJK_CHAR.test(char);
}

/**
 * Where every part of the query occurs in `text` (original indices), or null if some part does
 * not: the verification every index hit passes before it is shown. A non-CJK word must start a
 * word ("art" finds "artist" and "art", not "start"); CJK and phrases may sit anywhere... except
 * that a phrase also starts at a word start. A word that is not being typed (not the prefix)
 * must end at a word end too.
 */
export function matchRanges(text: string, query: ParsedQuery): Range[] | null {
  if (query.parts.length === 0) return null;
  const { folded, origin } = foldWithOrigin(text);
  const ranges: Range[] = [];
  for (const part of query.parts) {
    const found = findPart(folded, part);
    if (found.length === 0) return null;
    for (const at of found) {
      ranges.push({ start: origin[at] ?? 0, end: origin[at + part.text.length] ?? text.length });
    }
  }
  return mergeRanges(ranges);
}

/** Every start (folded index) where `part` occurs as the rules in `matchRanges` allow. */
function findPart(folded: string, part: QueryPart): number[] {
  const starts: number[] = [];
  const first = part.text[0];
  const last = part.text.at(-1);
  const needsStart = isWordChar(first);
  const needsEnd = !part.isPrefix && isWordChar(last);
  let from = 0;
  for (;;) {
    const at = folded.indexOf(part.text, from);
    if (at < 0) break;
    from = at + 1;
    if (needsStart && isWordChar(folded[at - 1])) continue;
    if (needsEnd && isWordChar(folded[at + part.text.length])) continue;
    starts.push(at);
    // Enough to mark a passage; a long message with hundreds of "the" need not list them all.
    if (starts.length >= 50) break;
  }
  return starts;
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const range of sorted) {
    const previous = merged.at(-1);
    if (previous && range.start <= previous.end) previous.end = Math.max(previous.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** A piece of a passage: marked pieces are what matched. */
export interface PassagePiece {
  text: string;
  isMatch: boolean;
}

/**
 * The passage to show for a hit: about `width` characters around the first match, cut at
 * spaces where it can, with "…" where text was left out, the matches marked.
 */
export function passage(text: string, ranges: readonly Range[], width = 160): PassagePiece[] {
  const first = ranges[0];
  if (!first) return [{ text: clip(text, 0, width), isMatch: false }];
  let start = Math.max(0, first.start - Math.floor(width / 3));
  let end = Math.min(text.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < first.start) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > first.end) end = space;
  }
  const pieces: PassagePiece[] = [];
  const push = (piece: string, isMatch: boolean) => {
    const flat = piece.replace(/\s+/g, ' ');
    if (flat !== '') pieces.push({ text: flat, isMatch });
  };
  if (start > 0) push('…', false);
  let at = start;
  for (const range of ranges) {
    if (range.end <= start || range.start >= end) continue;
    const from = Math.max(range.start, start);
    const to = Math.min(range.end, end);
    push(text.slice(at, from), false);
    push(text.slice(from, to), true);
    at = to;
  }
  push(text.slice(at, end), false);
  if (end < text.length) push('…', false);
  return pieces;
}

function clip(text: string, start: number, width: number): string {
  const flat = text.slice(start, start + width).replace(/\s+/g, ' ');
  return start + width < text.length ? `${flat}…` : flat;
}
