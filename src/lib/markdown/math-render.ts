/**
 * TeX -> MathML with KaTeX, loaded by enhance.ts the first time a reply contains math.
 *
 * Why KaTeX's MathML output: browsers render MathML Core natively, so there are no fonts or
 * CSS to load and no inline styles (KaTeX's HTML output positions every glyph with `style`,
 * which the Content-Security-Policy and the sanitizer forbid). Of what KaTeX emits in MathML,
 * only `\pmb` (text-shadow) and `\fcolorbox` (border) carry a `style`; the sanitizer drops it,
 * so those two lose that decoration and nothing else changes.
 *
 * KaTeX runs untrusted: `trust: false` refuses `\href`, `\url`, `\includegraphics` and the
 * `\html…` commands (they render as red source text), `maxExpand` and `maxSize` bound what a
 * hostile macro can cost. Its output then goes through a DOMPurify instance of its own that
 * allows exactly the MathML elements and attributes KaTeX writes (listed by rendering a broad
 * sample of TeX, see math-render.test.ts) in the MathML namespace only: no `maction`, no
 * `annotation-xml`, no `href`, `style`, `class` or `xlink:*`.
 */
import katex from 'katex';
import DOMPurify from 'dompurify';
import type { DOMPurify as Purifier } from 'dompurify';

const MATHML_NAMESPACE = 'http://www.w3.org/1998/Math/MathML';

// prettier-ignore
export const MATHML_TAGS: readonly string[] = [
  'math', 'semantics', 'annotation', 'menclose', 'mfrac', 'mi', 'mn', 'mo', 'mover', 'mpadded',
  'mphantom', 'mroot', 'mrow', 'mspace', 'msqrt', 'mstyle', 'msub', 'msubsup', 'msup', 'mtable',
  'mtd', 'mtext', 'mtr', 'munder', 'munderover',
];

// prettier-ignore
export const MATHML_ATTRIBUTES: readonly string[] = [
  'accent', 'accentunder', 'columnalign', 'columnlines', 'columnspacing', 'depth', 'display',
  'displaystyle', 'encoding', 'fence', 'height', 'linethickness', 'lspace', 'mathbackground',
  'mathcolor', 'mathsize', 'mathvariant', 'maxsize', 'minsize', 'notation', 'rowlines',
  'rowspacing', 'rspace', 'scriptlevel', 'separator', 'stretchy', 'voffset', 'width',
];

let purifier: Purifier | undefined;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  if (!instance.isSupported) throw new Error('DOMPurify cannot run in this environment');
  instance.setConfig({
    ALLOWED_TAGS: [...MATHML_TAGS],
    ALLOWED_ATTR: [...MATHML_ATTRIBUTES],
    ALLOWED_NAMESPACES: [MATHML_NAMESPACE],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
  purifier = instance;
  return instance;
}

/** Sanitizes MathML with the allow-list above (KaTeX's wrapping span is dropped, its content kept). */
export function sanitizeMathml(html: string): string {
  return getPurifier().sanitize(html);
}

/** MathML for `tex`, sanitized; undefined when the TeX is invalid (the source is shown instead). */
export function renderTex(tex: string, isDisplay: boolean): string | undefined {
  let html: string;
  try {
    html = katex.renderToString(tex, {
      output: 'mathml',
      displayMode: isDisplay,
      throwOnError: true,
      trust: false,
      // 'ignore': KaTeX would otherwise console.warn about non-LaTeX input, from model output.
      strict: 'ignore',
      maxSize: 50,
      maxExpand: 500,
    });
  } catch {
    return undefined;
  }
  const clean = sanitizeMathml(html);
  return clean.startsWith('<math') ? clean : undefined;
}
