/**
 * Markdown from a model -> HTML that is safe to put in the page.
 *
 * Model output is untrusted: a prompt-injected reply can contain anything. Two layers:
 * 1. A private `Marked` instance whose renderer never emits live markup from the source:
 *    raw HTML is escaped and shown as text, images become plain links (loading a remote
 *    image would let a reply exfiltrate text through its URL), task-list checkboxes become a
 *    glyph instead of an `<input>`.
 * 2. A private DOMPurify instance with a tight allow-list of exactly the tags and attributes
 *    that renderer produces, no SVG/MathML namespaces, and URLs limited to http(s), mailto,
 *    tel and relative ones (so no `javascript:`, `vbscript:` or `data:`). Its hooks make every
 *    link open in a new tab without `window.opener` and keep only the class names this renderer
 *    and highlight.js write (so no `visually-hidden` or other app class smuggled in through a
 *    code fence's language). The instance is our own, so the hooks and the config never leak
 *    into other DOMPurify users; it is created on first use so that importing this module
 *    without a DOM (Node tests, SSR tooling) does not throw.
 *
 * Code and math leave this module as plain text in marked-up placeholders: a fenced block is
 * `div.code-block > div.code-header + pre > code`, math is `.math` holding its TeX source with
 * the delimiters. Highlighting, MathML and the Copy code button are added afterwards, in the
 * DOM, by enhance.ts, so this stays synchronous and the libraries load only when a reply needs
 * them. A fence that has not closed yet gets `code-open`, so a streaming block is not
 * highlighted while it grows.
 */
import { Marked } from 'marked';
import type { MarkedExtension, RendererObject, Tokens, TokensList } from 'marked';
import DOMPurify from 'dompurify';
import type { Config, DOMPurify as Purifier, UponSanitizeAttributeHookEvent } from 'dompurify';
import { blockMathStart, inlineMathStart, matchBlockMath, matchInlineMath } from './math-syntax';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const renderer: RendererObject = {
  // Shown as the text the model wrote, like ChatGPT does, so "use a <div>" stays readable.
  html({ text, block }: Tokens.HTML | Tokens.Tag): string {
    return block ? `<p>${escapeHtml(text.trimEnd())}</p>\n` : escapeHtml(text);
  },
  // After an inline <pre>, <code>, <kbd> or <script> tag marked passes text through unescaped,
  // expecting the tag to be live; here the tag is shown as text, so that text is escaped too.
  text(token: Tokens.Text | Tokens.Escape): string | false {
    return token.type === 'text' && token.escaped === true ? escapeHtml(token.text) : false;
  },
  image({ href, title, text, tokens }: Tokens.Image): string {
    const alt =
      tokens.length > 0 ? this.parser.parseInline(tokens, this.parser.textRenderer) : text;
    const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
    return `<a class="image-link" href="${escapeHtml(href)}"${titleAttribute}>${escapeHtml(alt || href)}</a>`;
  },
  checkbox({ checked }: Tokens.Checkbox): string {
    return `<span class="task-checkbox" role="checkbox" aria-checked="${checked}" aria-readonly="true">${checked ? '☑' : '☐'}</span> `;
  },
  // Written out in full instead of marked's, whose `class="language-…"` passes entities such as
  // `&#32;` through, so a language could add any class (issue 8, point 13).
  code({ text, lang, raw, codeBlockStyle }: Tokens.Code): string {
    const language = codeLanguage(lang);
    const isOpen = codeBlockStyle !== 'indented' && !isClosedFence(raw);
    const label = language ? `<span class="code-language">${language}</span>` : '';
    const codeClass = language ? ` class="language-${language}"` : '';
    return (
      `<div class="code-block${isOpen ? ' code-open' : ''}"><div class="code-header">${label}</div>` +
      `<pre><code${codeClass}>${escapeHtml(text)}</code></pre></div>\n`
    );
  },
};

/**
 * The language of a fence's info string ("ts", "c++", "objective-c"), lower-cased, or undefined
 * when there is none or its first word is not a plain name. Only this word ever reaches a class.
 */
export function codeLanguage(info: string | undefined): string | undefined {
  const word = /^\S*/.exec(info ?? '')?.[0] ?? '';
  return /^[a-z0-9_+#.-]{1,40}$/i.test(word) ? word.toLowerCase() : undefined;
}

/** Whether a fenced block's source ends with its closing fence (while streaming it may not). */
function isClosedFence(raw: string): boolean {
  const lines = raw.replace(/\n+$/, '').split('\n');
  const opener = /^ {0,3}(`{3,}|~{3,})/.exec(lines[0] ?? '')?.[1];
  const last = lines.at(-1);
  if (!opener || lines.length < 2 || last === undefined) return false;
  const fence = new RegExp(`^ {0,3}${opener[0] === '`' ? '`' : '~'}{${opener.length},}[ \\t]*$`);
  return fence.test(last);
}

interface MathToken extends Tokens.Generic {
  type: 'math' | 'mathBlock';
  raw: string;
  isDisplay: boolean;
}

/** The text just before the current inline position, for the `$` rules in math-syntax.ts. */
function textBefore(tokens: readonly Tokens.Generic[]): string {
  const last = tokens.at(-1);
  return typeof last?.raw === 'string' ? last.raw : '';
}

// The source stays as the placeholder's text: it is what a person sees until the math renderer
// has loaded, and what stays when the TeX is invalid.
const mathExtension: MarkedExtension = {
  extensions: [
    {
      name: 'mathBlock',
      level: 'block',
      start: (src: string) => {
        const index = blockMathStart(src);
        return index < 0 ? undefined : index;
      },
      tokenizer(src: string): MathToken | undefined {
        const found = matchBlockMath(src);
        return found && { type: 'mathBlock', raw: found.raw, isDisplay: true };
      },
      renderer: (token) => `<div class="math math-display">${escapeHtml(token.raw.trim())}</div>\n`,
    },
    {
      name: 'math',
      level: 'inline',
      start: (src: string) => {
        const index = inlineMathStart(src);
        return index < 0 ? undefined : index;
      },
      tokenizer(src: string, tokens: Tokens.Generic[]): MathToken | undefined {
        const found = matchInlineMath(src, textBefore(tokens));
        return found && { type: 'math', raw: found.raw, isDisplay: found.isDisplay };
      },
      renderer: (token) =>
        `<span class="math ${token.isDisplay === true ? 'math-display' : 'math-inline'}">${escapeHtml(token.raw)}</span>`,
    },
  ],
};

const marked = new Marked({ gfm: true, breaks: false, async: false, renderer }, mathExtension);

const SANITIZER_CONFIG: Config = {
  // prettier-ignore
  ALLOWED_TAGS: [
    'a', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
    'li', 'ol', 'p', 'pre', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
  ],
  // `target`/`rel` are deliberately absent: the hook below sets them after this filter runs.
  ALLOWED_ATTR: ['href', 'title', 'class', 'align', 'start', 'role'],
  ALLOWED_NAMESPACES: ['http://www.w3.org/1999/xhtml'],
  // DOMPurify's default minus the exotic schemes; `[^a-z]` and the last branch admit relative
  // URLs. DOMPurify strips whitespace and control characters before testing.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|tel):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  ALLOW_DATA_ATTR: false,
};

/**
 * Class names the renderer writes, plus `language-<word>` and highlight.js's `hljs-<scope>` and
 * scope modifiers (`title class_`, `title function_`). Any other class is dropped.
 */
const ALLOWED_CLASSES = new Set([
  'image-link',
  'task-checkbox',
  'code-block',
  'code-open',
  'code-header',
  'code-language',
  'math',
  'math-inline',
  'math-display',
]);
const ALLOWED_CLASS_PATTERN =
  /^(?:language-[a-z0-9_+#.-]{1,40}|hljs-[a-z0-9_-]{1,40}|[a-z]{1,20}_{1,3})$/;

function keepKnownClasses(_node: Element, data: UponSanitizeAttributeHookEvent): void {
  if (data.attrName !== 'class') return;
  const kept = data.attrValue
    .split(/\s+/)
    .filter((name) => ALLOWED_CLASSES.has(name) || ALLOWED_CLASS_PATTERN.test(name));
  if (kept.length === 0) data.keepAttr = false;
  else data.attrValue = kept.join(' ');
}

function openLinksInNewTab(node: Element): void {
  if (node.nodeName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
}

// Some DOM implementations (happy-dom, see cure53/DOMPurify#1457) let DOMPurify run yet sanitize
// nothing. One check at start-up turns that into an error instead of an XSS hole. No event
// handler attribute in it: Chrome reports a Content-Security-Policy violation (script-src-attr)
// even for one parsed into DOMPurify's inert document, on every page load.
const CANARY = '<a href="javascript:void 0">x</a><img src="x">';
const CANARY_CLEAN = '<a>x</a>';

let purifier: Purifier | undefined;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  // Without a usable DOM, DOMPurify returns its input unchanged: fail closed instead.
  if (!instance.isSupported) throw new Error('DOMPurify cannot run in this environment');
  instance.setConfig(SANITIZER_CONFIG);
  instance.addHook('uponSanitizeAttribute', keepKnownClasses);
  instance.addHook('afterSanitizeAttributes', openLinksInNewTab);
  if (instance.sanitize(CANARY) !== CANARY_CLEAN) {
    throw new Error(
      'DOMPurify is not sanitizing in this DOM (happy-dom? see testing/happy-dom.ts)',
    );
  }
  purifier = instance;
  return instance;
}

/** Block-level tokens with the exact options `renderMarkdown` uses (for incremental rendering). */
export function lexMarkdown(src: string): TokensList {
  return marked.lexer(src);
}

/** Sanitizes HTML with the allow-list above; `renderMarkdown` runs every result through it. */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html);
}

/** Markdown (GFM) -> sanitized HTML string, ready for `{@html}`. */
export function renderMarkdown(src: string): string {
  return sanitizeHtml(marked.parse(src, { async: false }));
}
