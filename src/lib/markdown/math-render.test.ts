// @vitest-environment happy-dom
// happy-dom is only a DOM for DOMPurify here; what the browser does with the result is checked
// end to end (tests/e2e/code-math.spec.ts, sanitizer.spec.ts).
import katex from 'katex';
import { afterAll, describe, expect, it } from 'vitest';
import { MATHML_ATTRIBUTES, MATHML_TAGS, renderTex, sanitizeMathml } from './math-render';
import { installHappyDomNodeNameFix } from './testing/happy-dom';
import { MATHML_XSS_CORPUS } from './testing/xss-corpus';

afterAll(installHappyDomNodeNameFix());

/** A broad sample of what models write, to list every element and attribute KaTeX emits. */
// prettier-ignore
const SAMPLE = [
  '\\frac{a}{b}', 'x^2+y_1', '\\sqrt[3]{x}', '\\sum_{i=0}^{n} i', '\\int_0^1 f(x)\\,dx',
  '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{aligned}a&=b\\\\c&=d\\end{aligned}',
  '\\mathbf{v}\\cdot\\mathrm{d}t', '\\color{red}{x}', '\\colorbox{yellow}{z}', '\\boxed{x}',
  '\\cancel{x}', '\\overline{ab}\\underline{c}', '\\hat{x}\\vec{v}', '\\left(\\frac{a}{b}\\right)',
  '\\binom{n}{k}', '\\text{if } x > 0', '\\mathbb{R}', '\\lim_{x\\to\\infty}', '\\overbrace{a+b}^{n}',
  '\\underbrace{x}_{y}', '\\xrightarrow{f}', '\\phantom{x}\\hspace{1em}\\kern2pt', '\\rule{1em}{2pt}',
  '\\raisebox{2pt}{x}', '\\displaystyle\\sum', '\\operatorname{argmax}',
  '\\begin{cases}a&b\\\\c&d\\end{cases}', '\\begin{array}{c|c}1&2\\\\\\hline3&4\\end{array}',
  '\\tag{1} x', '\\stackrel{a}{=}', '\\overset{a}{b}', '\\big(\\Big(', '\\Large x', 'a,b;c',
];

function parse(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

describe('renderTex', () => {
  it('renders MathML, display or inline, with the TeX kept as an annotation', () => {
    const inline = parse(renderTex('\\frac{a}{b}', false) ?? '');
    expect(inline.querySelector('math mfrac')).not.toBeNull();
    expect(inline.querySelector('math')?.getAttribute('display')).toBeNull();
    expect(inline.querySelector('annotation')?.textContent).toBe('\\frac{a}{b}');
    const display = parse(renderTex('x', true) ?? '');
    expect(display.querySelector('math')?.getAttribute('display')).toBe('block');
  });

  it('gives undefined for invalid TeX, so the source stays', () => {
    expect(renderTex('\\frac{1}{', false)).toBeUndefined();
    expect(renderTex('\\undefinedcommand', false)).toBeUndefined();
  });

  it('allows exactly what KaTeX emits: every element and attribute of a broad sample is allowed', () => {
    const seenTags = new Set<string>();
    const seenAttributes = new Set<string>();
    for (const tex of SAMPLE) {
      for (const isDisplay of [false, true]) {
        let raw: string;
        try {
          raw = katex.renderToString(tex, {
            output: 'mathml',
            displayMode: isDisplay,
            strict: 'ignore',
          });
        } catch {
          continue;
        }
        for (const element of parse(raw).querySelectorAll('math, math *')) {
          seenTags.add(element.localName);
          for (const { name } of element.attributes) seenAttributes.add(name);
        }
        const clean = renderTex(tex, isDisplay);
        expect(clean, tex).toBeDefined();
      }
    }
    // What KaTeX emits and the allow-list lacks (only style, class and xmlns, on purpose).
    const missingTags = [...seenTags].filter((tag) => !MATHML_TAGS.includes(tag));
    const missingAttributes = [...seenAttributes].filter(
      (name) => !MATHML_ATTRIBUTES.includes(name),
    );
    expect(missingTags).toEqual([]);
    expect(missingAttributes.sort()).toEqual(
      ['class', 'style', 'xmlns'].filter((name) => seenAttributes.has(name)),
    );
  });

  it('refuses links, classes, styles, ids, data and images from TeX (trust is off)', () => {
    for (const tex of [
      '\\href{javascript:alert(1)}{x}',
      '\\url{javascript:alert(1)}',
      '\\htmlClass{visually-hidden}{x}',
      '\\htmlStyle{color:red}{x}',
      '\\htmlId{x}{y}',
      '\\htmlData{a=b}{y}',
      '\\includegraphics{x.png}',
      // Not `\\pmb` or `\\fcolorbox`, whose MathML has a `style`: happy-dom keeps a style
      // attribute on MathML elements that DOMPurify removed. Chromium drops it, as the XSS
      // corpus checks in the browser (tests/e2e/sanitizer.spec.ts).
    ]) {
      const html = renderTex(tex, false) ?? '';
      expect(html, tex).not.toMatch(/\s(href|style|class|id|src|data-[\w-]+)=/);
    }
  });
});

describe('sanitizeMathml against hostile MathML', () => {
  it.each(MATHML_XSS_CORPUS)('neutralises %j', (payload) => {
    const clean = sanitizeMathml(payload);
    expect(clean).not.toMatch(/<(maction|annotation-xml|img|script|style|iframe|svg|a|table)\b/i);
    expect(clean).not.toMatch(/\s(on\w+|href|xlink:href|style|class|src|srcdoc)=/i);
  });
});
