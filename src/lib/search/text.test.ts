import { describe, expect, it } from 'vitest';
import { fold, indexTerms, matchRanges, parseQuery, passage, toIndexQuery } from './text';

/** The marked text of a passage, as the sidebar shows it. */
function marked(text: string, query: string): string[] {
  const ranges = matchRanges(text, parseQuery(query));
  if (!ranges) return [];
  return passage(text, ranges)
    .filter((piece) => piece.isMatch)
    .map((piece) => piece.text);
}

describe('folding', () => {
  it('ignores case, accents and width', () => {
    expect(fold('Café NAÏVE Ｒésumé')).toBe('cafe naive resume');
  });

  it('keeps Hangul syllables whole', () => {
    expect(fold('한국어')).toBe('한국어');
  });
});

describe('index terms', () => {
  it('splits Latin text into folded words', () => {
    expect(indexTerms('Crème brûlée, twice!')).toEqual(['creme', 'brulee', 'twice']);
  });

  it('indexes CJK runs by segmenter words and character bigrams', () => {
    const terms = indexTerms('今天天气很好');
    expect(terms).toEqual(expect.arrayContaining(['今天', '天气', '很好', '气很', '好']));
  });

  it('splits mixed runs', () => {
    expect(indexTerms('GPT模型')).toEqual(expect.arrayContaining(['gpt', '模型', '型']));
  });
});

describe('queries', () => {
  it('needs every word; the last one typed is a prefix', () => {
    const query = parseQuery('Brown fo');
    expect(query.parts).toEqual([
      { text: 'brown', isPhrase: false, isPrefix: false },
      { text: 'fo', isPhrase: false, isPrefix: true },
    ]);
    expect(toIndexQuery(query)).toEqual({
      combineWith: 'AND',
      queries: ['brown', { combineWith: 'AND', prefix: true, queries: ['fo'] }],
    });
  });

  it('a space after the last word ends it', () => {
    expect(parseQuery('brown ').parts[0]?.isPrefix).toBe(false);
  });

  it('keeps a quoted phrase together, closed or still being typed', () => {
    expect(parseQuery('"Lazy  Dog" jumps').parts[0]).toEqual({
      text: 'lazy dog',
      isPhrase: true,
      isPrefix: false,
    });
    expect(parseQuery('"lazy do').parts).toEqual([
      { text: 'lazy do', isPhrase: true, isPrefix: false },
    ]);
  });

  it('asks for a CJK word by its bigrams, so it matches inside longer words', () => {
    expect(toIndexQuery(parseQuery('天气预'))).toEqual({
      combineWith: 'AND',
      queries: ['天气', '气预'],
    });
  });

  it('has nothing to look for in punctuation alone', () => {
    expect(toIndexQuery(parseQuery(' - ? '))).toBeNull();
  });
});

describe('matching the stored text', () => {
  it('ignores case and accents both ways', () => {
    expect(marked('We met at the Café de Flore.', 'cafe')).toEqual(['Café']);
    expect(marked('a naive question', 'naïve')).toEqual(['naive']);
  });

  it('needs every word, anywhere in the text', () => {
    expect(marked('The quick brown fox', 'fox quick')).toEqual(['quick', 'fox']);
    expect(marked('The quick brown fox', 'fox slow')).toEqual([]);
  });

  it('matches words at word starts; the word being typed as a prefix', () => {
    expect(marked('an artist', 'art')).toEqual(['art']);
    expect(marked('start here', 'art')).toEqual([]);
    expect(marked('an artist', 'art ')).toEqual([]);
  });

  it('matches a phrase only as written', () => {
    expect(marked('the lazy dog sleeps', '"lazy dog"')).toEqual(['lazy dog']);
    expect(marked('the dog is lazy', '"lazy dog"')).toEqual([]);
  });

  it('finds a Chinese word inside a longer run and a single character', () => {
    expect(marked('今天天气很好，我们去公园', '天气')).toEqual(['天气']);
    expect(marked('今天天气很好', '好')).toEqual(['好']);
    expect(marked('机器学习很有趣', '学习 趣')).toEqual(['学习', '趣']);
  });

  it('finds Japanese and Korean', () => {
    expect(marked('東京タワーに行きました', 'タワー')).toEqual(['タワー']);
    expect(marked('한국어를 공부합니다', '공부')).toEqual(['공부']);
  });
});

describe('passages', () => {
  it('shows the text around the first match with what was left out marked by …', () => {
    const text = `${'lorem ipsum '.repeat(40)}needle here ${'dolor sit '.repeat(40)}`;
    const pieces = passage(text, matchRanges(text, parseQuery('needle')) ?? []);
    expect(pieces[0]).toEqual({ text: '…', isMatch: false });
    expect(pieces.at(-1)).toEqual({ text: '…', isMatch: false });
    expect(pieces.find((piece) => piece.isMatch)?.text).toBe('needle');
    expect(pieces.map((piece) => piece.text).join('').length).toBeLessThan(180);
  });

  it('flattens line breaks', () => {
    const text = 'first line\n\nsecond line';
    expect(passage(text, matchRanges(text, parseQuery('second')) ?? []).map((p) => p.text)).toEqual(
      ['first line ', 'second', ' line'],
    );
  });
});
