// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"enableJavaScriptEvaluation": true, "suppressInsecureJavaScriptEnvironmentWarning": true}}
// JavaScript evaluation is on so that a payload that survived would really run (see `runs`).
import DOMPurify from 'dompurify';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderMarkdown, sanitizeHtml } from './render';
import { installHappyDomNodeNameFix } from './testing/happy-dom';
import { XSS_CORPUS } from './testing/xss-corpus';

let restoreNodeName = installHappyDomNodeNameFix();
afterAll(() => {
  restoreNodeName();
});

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const FORBIDDEN_TAG =
  /<(script|iframe|object|embed|form|input|button|textarea|select|style|svg|math|img|base|meta|link|details)\b/i;
const FORBIDDEN_ATTRIBUTE = /^(on|style$|src$|srcdoc$|action$|formaction$|xlink:)/i;
const EVENTS = ['click', 'mouseover', 'focus', 'toggle', 'load', 'error', 'animationstart'];

function parse(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/** Everything in `html` that a sanitizer should have removed. */
function unsafeParts(html: string): string[] {
  const found: string[] = [];
  const tag = FORBIDDEN_TAG.exec(html);
  if (tag) found.push(`tag ${tag[0]}`);
  for (const element of parse(html).querySelectorAll('*')) {
    for (const { name, value } of element.attributes) {
      if (FORBIDDEN_ATTRIBUTE.test(name)) found.push(`attribute ${name}="${value}"`);
      if (
        name === 'href' &&
        !ALLOWED_PROTOCOLS.has(new URL(value, 'https://parley.invalid/').protocol)
      ) {
        found.push(`href ${value}`);
      }
    }
  }
  return found;
}

/**
 * Puts `html` in the page, re-creates any `<script>` (scripts set through innerHTML are inert
 * by spec) and fires the events the corpus listens for. True if `alert` was called.
 */
async function runs(html: string): Promise<boolean> {
  const alert = vi.fn();
  vi.stubGlobal('alert', alert);
  const host = document.createElement('div');
  host.innerHTML = html;
  document.body.append(host);
  for (const inert of host.querySelectorAll('script')) {
    const live = document.createElement('script');
    live.textContent = inert.textContent;
    inert.replaceWith(live);
  }
  for (const element of host.querySelectorAll('*')) {
    for (const type of EVENTS) element.dispatchEvent(new Event(type));
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  host.remove();
  vi.unstubAllGlobals();
  return alert.mock.calls.length > 0;
}

describe('renderMarkdown against hostile input', () => {
  it('has a corpus worth the name', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  it('has a harness that notices script and handlers running', async () => {
    expect(await runs('<script>alert(1)</script>')).toBe(true);
    expect(await runs('<a onclick="alert(1)">x</a>')).toBe(true);
    expect(unsafeParts('<a href="javascript:alert(1)" onclick="x">x</a>')).toHaveLength(2);
  });

  it.each(XSS_CORPUS)('neutralises %j', async (payload) => {
    const html = renderMarkdown(payload);
    expect(unsafeParts(html)).toEqual([]);
    expect(await runs(html)).toBe(false);
  });

  it('shows raw HTML as text instead of dropping or running it', () => {
    const html = renderMarkdown('Use a <div onclick="go()"> here.\n\n<section>\nblock\n</section>');
    const fragment = parse(html);
    expect(fragment.querySelector('div, section')).toBeNull();
    expect(fragment.textContent).toContain('<div onclick="go()">');
    expect(fragment.textContent).toContain('<section>');
  });

  it('escapes the text after an inline <pre>/<script>/<kbd> tag too', () => {
    // Marked passes that text through raw; here it must stay source text like the tags around it.
    const html = renderMarkdown('see <kbd>&lt;b&gt; & <</kbd>');
    expect(parse(html).querySelector('p')?.textContent).toBe('see <kbd>&lt;b&gt; & <</kbd>');
  });

  it('refuses to run where DOMPurify would not sanitize', async () => {
    restoreNodeName();
    try {
      vi.resetModules();
      const fresh = await import('./render');
      expect(() => fresh.renderMarkdown('x')).toThrow(/not sanitizing/);
    } finally {
      restoreNodeName = installHappyDomNodeNameFix();
    }
  });
});

describe('renderMarkdown links and images', () => {
  it('opens every link in a new tab without an opener', () => {
    const html = renderMarkdown(
      '[a](https://a.example) <https://b.example> www.c.example x@y.example',
    );
    const links = [...parse(html).querySelectorAll('a')];
    expect(links).toHaveLength(4);
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });

  it('keeps safe relative links and fragments', () => {
    const links = parse(renderMarkdown('[a](/docs) [b](#part)')).querySelectorAll('a');
    expect([...links].map((link) => link.getAttribute('href'))).toEqual(['/docs', '#part']);
  });

  it('turns images into links instead of loading them', () => {
    const fragment = parse(
      renderMarkdown(
        '![A *cat*](https://img.example/cat.png "Cat") ![](https://img.example/x.png)',
      ),
    );
    expect(fragment.querySelector('img')).toBeNull();
    const links = [...fragment.querySelectorAll('a.image-link')];
    expect(links.map((link) => [link.getAttribute('href'), link.textContent])).toEqual([
      ['https://img.example/cat.png', 'A cat'],
      ['https://img.example/x.png', 'https://img.example/x.png'],
    ]);
    expect(links[0]?.getAttribute('title')).toBe('Cat');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('leaves the shared DOMPurify instance without our hook', () => {
    renderMarkdown('[a](https://a.example)');
    expect(DOMPurify.removeHook('afterSanitizeAttributes')).toBeUndefined();
  });
});

describe('renderMarkdown formatting', () => {
  it('renders headings, emphasis, strikethrough and blockquotes', () => {
    const fragment = parse(
      renderMarkdown('# One\n\n## Two\n\n*em* **strong** ~~gone~~\n\n> quoted'),
    );
    expect(fragment.querySelector('h1')?.textContent).toBe('One');
    expect(fragment.querySelector('h2')?.textContent).toBe('Two');
    expect(fragment.querySelector('p em')?.textContent).toBe('em');
    expect(fragment.querySelector('p strong')?.textContent).toBe('strong');
    expect(fragment.querySelector('p del')?.textContent).toBe('gone');
    expect(fragment.querySelector('blockquote p')?.textContent).toBe('quoted');
  });

  it('renders fenced code escaped, with its language as a class and a label', () => {
    const html = renderMarkdown('```TS\nconst tag = "<b>" && 1 < 2;\n```');
    const block = parse(html).querySelector('div.code-block');
    expect(block?.className).toBe('code-block');
    expect(block?.querySelector(':scope > .code-header > .code-language')?.textContent).toBe('ts');
    const code = block?.querySelector(':scope > pre > code');
    expect(code?.className).toBe('language-ts');
    // Exactly the code: what Copy code copies.
    expect(code?.textContent).toBe('const tag = "<b>" && 1 < 2;');
  });

  it('gives a fence that has not closed yet code-open, and none once it has', () => {
    const open = parse(renderMarkdown('```py\nprint(1)\n'));
    expect(open.querySelector('.code-block')?.className).toBe('code-block code-open');
    expect(open.querySelector('code')?.textContent).toBe('print(1)');
    for (const closed of ['```py\nprint(1)\n```', '~~~~\nx\n~~~~~\n', '    indented']) {
      expect(parse(renderMarkdown(closed)).querySelector('.code-block')?.className).toBe(
        'code-block',
      );
    }
    // A shorter or different fence does not close it.
    expect(renderMarkdown('````\nx\n```\n')).toContain('code-open');
    expect(renderMarkdown('```\nx\n~~~\n')).toContain('code-open');
  });

  it('lets a fence language add only language-<word> (issue 8, point 13)', () => {
    for (const fence of [
      '```x&#32;visually-hidden\ncode\n```',
      '```js&quot;&#32;class=&quot;visually-hidden\ncode\n```',
      '```a"b\ncode\n```',
      '```x\tvisually-hidden\ncode\n```',
    ]) {
      const fragment = parse(renderMarkdown(fence));
      const classes = [...fragment.querySelectorAll('[class]')].flatMap((element) => [
        ...element.classList,
      ]);
      expect(classes, fence).not.toContain('visually-hidden');
      for (const name of classes) {
        expect(name).toMatch(/^(code-block|code-header|code-language|language-[a-z0-9_+#.-]+)$/);
      }
    }
    expect(
      parse(renderMarkdown('```c++ extra words\nx\n```')).querySelector('code')?.className,
    ).toBe('language-c++');
  });

  it('keeps only known class names in anything it sanitizes', () => {
    const html = sanitizeHtml(
      '<span class="hljs-keyword visually-hidden">a</span><span class="hljs-title class_">b</span><p class="sr-only">c</p>',
    );
    expect(html).toBe(
      '<span class="hljs-keyword">a</span><span class="hljs-title class_">b</span><p>c</p>',
    );
  });

  it('renders GFM tables with alignment', () => {
    const fragment = parse(renderMarkdown('| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |'));
    expect([...fragment.querySelectorAll('th')].map((th) => th.getAttribute('align'))).toEqual([
      'left',
      'right',
    ]);
    expect(fragment.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(fragment.querySelector('tbody td')?.textContent).toBe('1');
  });

  it('renders nested, ordered and task lists', () => {
    const fragment = parse(
      renderMarkdown('- a\n  - b\n\n3. three\n4. four\n\n- [x] done\n- [ ] todo'),
    );
    expect(fragment.querySelector('ul > li > ul > li')?.textContent).toBe('b');
    expect(fragment.querySelector('ol')?.getAttribute('start')).toBe('3');
    const boxes = [...fragment.querySelectorAll('.task-checkbox')];
    expect(boxes.map((box) => box.getAttribute('aria-checked'))).toEqual(['true', 'false']);
  });

  it('keeps single newlines inside a paragraph (breaks: false)', () => {
    expect(renderMarkdown('one\ntwo')).toBe('<p>one\ntwo</p>\n');
  });
});

describe('renderMarkdown math', () => {
  it('leaves math as its source in placeholders, for the enhancer to render', () => {
    const fragment = parse(
      renderMarkdown('Inline $x^2$ and \\(y\\).\n\n$$\n\\frac{a}{b}\n$$\n\n\\[z\\]'),
    );
    expect(
      [...fragment.querySelectorAll('.math')].map((math) => [math.className, math.textContent]),
    ).toEqual([
      ['math math-inline', '$x^2$'],
      ['math math-inline', '\\(y\\)'],
      ['math math-display', '$$\n\\frac{a}{b}\n$$'],
      ['math math-display', '\\[z\\]'],
    ]);
    expect(fragment.querySelector('div.math-display')).not.toBeNull();
  });

  it('leaves prices, shell variables and math in code as text', () => {
    for (const text of [
      'It costs $5 and $10.',
      'Between $1,000-$2,000 a year',
      'Use $HOME and $PATH:$HOME',
      'Run `echo $x$` first',
      '```sh\necho $a$ $$b$$ \\(c\\)\n```',
      '    $$indented$$',
      'Escaped \\$5\\$ stays',
    ]) {
      expect(parse(renderMarkdown(text)).querySelector('.math'), text).toBeNull();
    }
  });

  it('escapes what is inside math delimiters', () => {
    const html = renderMarkdown('$<img src=x onerror=alert(1)>$');
    expect(parse(html).querySelector('img')).toBeNull();
    expect(parse(html).querySelector('.math')?.textContent).toBe('$<img src=x onerror=alert(1)>$');
  });
});
