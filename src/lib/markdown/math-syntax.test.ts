import { describe, expect, it } from 'vitest';
import { blockMathStart, matchBlockMath, matchInlineMath, parseMathSource } from './math-syntax';

const inline = (src: string, before = '') => matchInlineMath(src, before);

describe('inline math delimiters', () => {
  it.each([
    ['$x^2$', 'x^2', false],
    ['$E = mc^2$ rest', 'E = mc^2', false],
    ['\\(a + b\\)', 'a + b', false],
    ['\\[\\frac{a}{b}\\]', '\\frac{a}{b}', true],
    ['$$\\sum_i i$$', '\\sum_i i', true],
    ['$a \\$ b$', 'a \\$ b', false],
    ['$x$-axis', 'x', false],
    ['$x$,', 'x', false],
  ])('reads %j as TeX %j', (src, tex, isDisplay) => {
    expect(inline(src)).toMatchObject({ tex, isDisplay });
  });

  it.each([
    ['$5 and $10', 'a price and another'],
    ['$5, $10 and $20', 'a list of prices'],
    ['$5-$10', 'a price range'],
    ['$1,000-$2,000', 'a price range with separators'],
    ['$HOME', 'a shell variable'],
    ['$PATH:$HOME', 'two shell variables'],
    ['$HOME/$USER', 'a path of variables'],
    ['$ x$', 'a space after the opener'],
    ['$x $', 'a space before the closer'],
    ['$x$5', 'a digit after the closer'],
    ['$x$th', 'a letter after the closer'],
    ['$a\nb$', 'a line break inside'],
    ['$b `c$` d', 'a code span across the closer'],
    ['$$', 'nothing inside'],
    ['\\(\\)', 'nothing inside'],
    ['\\( \\)', 'only space inside'],
  ])('leaves %j as text (%s)', (src) => {
    expect(inline(src)).toBeUndefined();
  });

  it('needs the opening $ not to follow a letter, digit or $', () => {
    expect(inline('$5$', 'US')).toBeUndefined();
    expect(inline('$x$', 'a ')).toBeDefined();
    expect(inline('$x$', '其中')).toBeDefined();
  });
});

describe('display math blocks', () => {
  it('reads $$ and \\[ blocks that start and end lines', () => {
    expect(matchBlockMath('$$\n\\frac{a}{b}\n$$\nafter')).toMatchObject({
      raw: '$$\n\\frac{a}{b}\n$$\n',
      tex: '\\frac{a}{b}',
      isDisplay: true,
    });
    expect(matchBlockMath('\\[\nx\n\\]')).toMatchObject({ tex: 'x' });
    expect(matchBlockMath('$$ x $$ and text')).toBeUndefined();
    expect(matchBlockMath('$$\nunclosed')).toBeUndefined();
    expect(matchBlockMath('    $$x$$')).toBeUndefined();
  });

  it('finds where a block may start, without searching past the paragraph', () => {
    expect(blockMathStart('$$x$$')).toBe(0);
    expect(blockMathStart('text\n$$\nx\n$$')).toBe(5);
    expect(blockMathStart('text\n\n$$\nx\n$$')).toBe(-1);
    expect(blockMathStart('no math here')).toBe(-1);
  });
});

describe('parseMathSource', () => {
  it('reads back the TeX of a rendered placeholder, delimiters and all', () => {
    expect(parseMathSource('$$\n\\int_0^1 x\n$$')).toMatchObject({
      tex: '\\int_0^1 x',
      isDisplay: true,
    });
    expect(parseMathSource('\\(y\\)')).toMatchObject({ tex: 'y', isDisplay: false });
    expect(parseMathSource('$x$ and more')).toBeUndefined();
    expect(parseMathSource('plain')).toBeUndefined();
  });
});
