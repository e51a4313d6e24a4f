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
 *    tel and relative ones (so no `javascript:`, `vbscript:` or `data:`). Its hook makes every
 *    link open in a new tab without `window.opener`. The instance is our own, so the hook and
 *    the config never leak into other DOMPurify users; it is created on first use so that
 *    importing this module without a DOM (Node tests, SSR tooling) does not throw.
 */
import { Marked } from 'marked';
import type { RendererObject, Tokens, TokensList } from 'marked';
import DOMPurify from 'dompurify';
import type { Config, DOMPurify as Purifier } from 'dompurify';

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
};

const marked = new Marked({ gfm: true, breaks: false, async: false, renderer });

const SANITIZER_CONFIG: Config = {
  // prettier-ignore
  ALLOWED_TAGS: [
    'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
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
