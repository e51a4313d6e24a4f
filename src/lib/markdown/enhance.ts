/**
 * What a rendered reply gains in the page after sanitizing: highlighted code, MathML, and a
 * Copy code button per code block.
 *
 * Decisions:
 * - Work happens in the DOM, after the sanitized HTML is in place, so render.ts stays
 *   synchronous and highlight.js and KaTeX load only when a reply first needs them.
 * - Buttons are created here with `createElement` and remembered in a WeakSet; clicks are
 *   handled by one listener on the message (event delegation) that acts only on those buttons.
 *   Model output never creates a control: the sanitizer allows no <button>, and one that got
 *   through anyway would not be in the set.
 * - Highlighted HTML and MathML are cached by content (language + code, delimiters + TeX), so a
 *   block that is rendered again (the streaming tail re-rendered each frame, the last block
 *   committed when the stream ends, a conversation opened again) is filled from the cache,
 *   synchronously, and never highlighted twice.
 * - Anything not cached waits until it is near the visible part of its scroller (an
 *   IntersectionObserver rooted at the nearest `[data-scroll-root]`), then runs in
 *   idle time, a few blocks per slice: opening a long conversation highlights what is on screen
 *   first and never holds the main thread. Blocks longer than MAX_HIGHLIGHT_LENGTH stay plain:
 *   highlight.js is synchronous and one such block alone could block the page.
 * - While a reply streams, a code block whose fence has not closed (`code-open`) is left plain
 *   and without a button: it is re-rendered every frame as it grows. When the stream ends it
 *   is rendered once more, as a finished block, and gets both.
 */
import type * as HighlightModule from './highlight';
import type * as MathRenderModule from './math-render';
import { parseMathSource } from './math-syntax';
import { sanitizeHtml } from './render';

type Highlighter = typeof HighlightModule;
type MathRenderer = typeof MathRenderModule;

export interface CodeLabels {
  /** The button's name: "Copy code". */
  readonly copy: string;
  /** Shown on the button once the code is on the clipboard. */
  readonly copied: string;
  /** Said when the browser refuses the clipboard. */
  readonly failed: string;
}

export interface EnhancerOptions {
  readonly isStreaming: () => boolean;
  readonly labels: () => CodeLabels;
}

/** Longest code block that is highlighted (characters); longer ones stay plain text. */
export const MAX_HIGHLIGHT_LENGTH = 50_000;
const CACHE_LIMIT = 4_000_000;
const SLICE_BUDGET_MS = 8;
const COPIED_FOR_MS = 2000;

/** Content -> finished HTML, least recently used first; bounded by total characters. */
class HtmlCache {
  readonly #entries = new Map<string, string>();
  #size = 0;

  get(key: string): string | undefined {
    const html = this.#entries.get(key);
    if (html !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, html);
    }
    return html;
  }

  set(key: string, html: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, html);
    this.#size += key.length + html.length;
    for (const [oldKey, oldHtml] of this.#entries) {
      if (this.#size <= CACHE_LIMIT) break;
      this.#entries.delete(oldKey);
      this.#size -= oldKey.length + oldHtml.length;
    }
  }
}

const highlighted = new HtmlCache();
/** TeX key -> MathML, or '' for TeX that does not parse. */
const rendered = new HtmlCache();

let highlighter: Highlighter | undefined;
let highlighterLoading: Promise<Highlighter> | undefined;
let mathRenderer: MathRenderer | undefined;
let mathLoading: Promise<MathRenderer> | undefined;

function loadHighlighter(): Promise<Highlighter> {
  highlighterLoading ??= import('./highlight').then((module) => (highlighter = module));
  return highlighterLoading;
}

function loadMathRenderer(): Promise<MathRenderer> {
  mathLoading ??= import('./math-render').then((module) => (mathRenderer = module));
  return mathLoading;
}

/** Elements handled already (or handed to the scheduler): never looked at twice. */
const done = new WeakSet<Element>();
const copyButtons = new WeakSet<Element>();

interface Job {
  readonly target: Element;
  /** Does the work if its library is here; otherwise returns a promise for when to try again. */
  readonly run: () => Promise<unknown> | undefined;
}

const jobs = new Map<Element, { job: Job; observer: IntersectionObserver }>();
const ready: Job[] = [];
let isSliceScheduled = false;
/** How near a block must come to the visible part of its scroller before it is worked on. */
const NEAR = '400px 0px';
let pageObserver: IntersectionObserver | undefined;
const scrollerObservers = new WeakMap<Element, IntersectionObserver>();

/**
 * The observer for blocks under `target`'s scroller: the nearest `[data-scroll-root]` (the
 * transcript marks its own), else the page. A margin applies to the observer's root only, so an
 * observer of the page would see a block in the transcript only once it is on screen.
 */
function observerFor(target: Element): IntersectionObserver {
  const root = target.closest('[data-scroll-root]');
  if (!root) return (pageObserver ??= new IntersectionObserver(onIntersect, { rootMargin: NEAR }));
  let observer = scrollerObservers.get(root);
  if (!observer) {
    observer = new IntersectionObserver(onIntersect, { root, rootMargin: NEAR });
    scrollerObservers.set(root, observer);
  }
  return observer;
}

function schedule(job: Job): void {
  if (typeof IntersectionObserver === 'undefined') {
    ready.push(job);
    scheduleSlice();
    return;
  }
  const observer = observerFor(job.target);
  jobs.set(job.target, { job, observer });
  observer.observe(job.target);
}

function onIntersect(entries: IntersectionObserverEntry[], observer: IntersectionObserver): void {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    const waiting = jobs.get(entry.target);
    jobs.delete(entry.target);
    if (waiting) ready.push(waiting.job);
  }
  scheduleSlice();
}

const requestIdle: (callback: () => void) => void =
  typeof requestIdleCallback === 'function'
    ? (callback) => requestIdleCallback(callback, { timeout: 500 })
    : (callback) => setTimeout(callback, 0);

function scheduleSlice(): void {
  if (isSliceScheduled || ready.length === 0) return;
  isSliceScheduled = true;
  requestIdle(runSlice);
}

function runSlice(): void {
  isSliceScheduled = false;
  const end = performance.now() + SLICE_BUDGET_MS;
  while (ready.length > 0 && performance.now() < end) {
    const job = ready.shift();
    if (!job?.target.isConnected) continue;
    const waiting = job.run();
    // Its library is still loading: it goes back in line once that has arrived.
    if (waiting) {
      void waiting.then(
        () => {
          ready.push(job);
          scheduleSlice();
        },
        () => undefined,
      );
    }
  }
  scheduleSlice();
}

/**
 * Forgets the waiting jobs under `root` (and any whose element left the page). Those elements
 * are no longer `done`, so an enhancer started on the same root later picks them up again.
 */
function forget(root: Element): void {
  for (const [target, { observer }] of jobs) {
    if (!target.isConnected || root.contains(target)) {
      observer.unobserve(target);
      jobs.delete(target);
      done.delete(target);
    }
  }
}

function enhanceCode(block: Element, options: EnhancerOptions): void {
  if (block.classList.contains('code-open') && options.isStreaming()) return;
  done.add(block);
  const header = block.querySelector(':scope > .code-header');
  const pre = block.querySelector(':scope > pre');
  const code = pre?.querySelector(':scope > code');
  if (!header || !pre || !code) return;
  addCopyButton(header, options.labels());
  // A wide block scrolls sideways: keyboard users need to be able to focus it to scroll it.
  pre.setAttribute('tabindex', '0');
  const name = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1];
  const text = code.textContent;
  if (!name || text.length > MAX_HIGHLIGHT_LENGTH) return;
  const key = `${name}\n${text}`;
  const cached = highlighted.get(key);
  if (cached !== undefined) {
    code.innerHTML = cached;
    return;
  }
  schedule({
    target: block,
    run: () => {
      if (!highlighter) return loadHighlighter();
      const language = highlighter.highlightLanguage(name);
      if (!language) return undefined;
      if (!highlighter.isLanguageLoaded(language)) return highlighter.loadLanguage(language);
      const html = highlighted.get(key) ?? sanitizeHtml(highlighter.highlightCode(text, language));
      highlighted.set(key, html);
      // The block may have been emptied or changed meanwhile; only ever fill in the same code.
      if (code.textContent === text) code.innerHTML = html;
      return undefined;
    },
  });
}

function enhanceMath(placeholder: Element): void {
  done.add(placeholder);
  const source = placeholder.textContent;
  const math = parseMathSource(source);
  if (!math) return;
  const key = `${math.isDisplay ? 'display' : 'inline'}\n${math.tex}`;
  const apply = (html: string): void => {
    // '' = invalid TeX: the source stays, as text.
    if (html !== '' && placeholder.textContent === source) placeholder.innerHTML = html;
  };
  const cached = rendered.get(key);
  if (cached !== undefined) {
    apply(cached);
    return;
  }
  schedule({
    target: placeholder,
    run: () => {
      if (!mathRenderer) return loadMathRenderer();
      const html = rendered.get(key) ?? mathRenderer.renderTex(math.tex, math.isDisplay) ?? '';
      rendered.set(key, html);
      apply(html);
      return undefined;
    },
  });
}

function addCopyButton(header: Element, labels: CodeLabels): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'code-copy';
  button.textContent = labels.copy;
  const status = document.createElement('span');
  status.className = 'code-status';
  status.setAttribute('role', 'status');
  copyButtons.add(button);
  header.append(button, status);
}

function enhanceTree(node: Node, options: EnhancerOptions): void {
  if (!(node instanceof Element)) return;
  const found = node.matches('.code-block, .math')
    ? [node]
    : node.querySelectorAll('.code-block, .math');
  for (const element of found) {
    if (done.has(element)) continue;
    if (element.classList.contains('code-block')) enhanceCode(element, options);
    else if (!element.closest('pre, code')) enhanceMath(element);
  }
}

async function copyCode(button: HTMLButtonElement, labels: CodeLabels): Promise<void> {
  const code = button.closest('.code-block')?.querySelector(':scope > pre > code');
  const status = button.nextElementSibling;
  const say = (text: string, isQuiet: boolean): void => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('code-status-quiet', isQuiet);
  };
  try {
    await navigator.clipboard.writeText(code?.textContent ?? '');
  } catch {
    say(labels.failed, false);
    return;
  }
  button.textContent = labels.copied;
  say(labels.copied, true);
  setTimeout(() => {
    button.textContent = labels.copy;
    say('', true);
  }, COPIED_FOR_MS);
}

/**
 * Enhances one message's rendered Markdown for as long as it is on the page: what is there
 * now, and every node the component inserts later (watched with a MutationObserver on the
 * container's children, where `{@html}` puts them).
 */
export class MarkdownEnhancer {
  readonly #root: HTMLElement;
  readonly #options: EnhancerOptions;
  readonly #mutations: MutationObserver;

  constructor(root: HTMLElement, options: EnhancerOptions) {
    this.#root = root;
    this.#options = options;
    this.#mutations = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) enhanceTree(node, options);
      }
    });
    this.#mutations.observe(root, { childList: true });
    root.addEventListener('click', this.#onClick);
    enhanceTree(root, options);
  }

  /** Looks again at everything (after the stream ended, say), skipping what is done. */
  refresh(): void {
    enhanceTree(this.#root, this.#options);
  }

  destroy(): void {
    this.#mutations.disconnect();
    this.#root.removeEventListener('click', this.#onClick);
    forget(this.#root);
  }

  readonly #onClick = (event: MouseEvent): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const button = target.closest('button');
    if (!button || !copyButtons.has(button) || !this.#root.contains(button)) return;
    void copyCode(button, this.#options.labels());
  };
}
