// @vitest-environment happy-dom
import { afterAll, describe, expect, it } from 'vitest';
import { IncrementalMarkdown } from './incremental';
import type { RenderedBlock } from './incremental';
import { renderMarkdown } from './render';
import { installHappyDomNodeNameFix } from './testing/happy-dom';

afterAll(installHappyDomNodeNameFix());

const CORPORA: Readonly<Record<string, string>> = {
  headings:
    '# Title\n\nIntro with *em* and `code`.\n\n## Section\n\nText\nmore text\n\n### Sub\n\nEnd.\n',
  'nested lists':
    '- a\n- b\n  - nested\n    - deeper\n  - nested 2\n\n    para in item\n- c\n\n1. one\n2. two\n   1. inner\n\n\n3. three after blank lines\n\nAfter list\n',
  'code fences with blank lines':
    'Text\n\n```python\ndef f():\n\n    return 1\n\n\n```\n\nAfter code\n\n~~~\nx\n~~~\n\n````md\n```\nnested\n```\n````\n',
  tables: '| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\nafter table\n\n| x |\n|---|\n| y |\n',
  blockquotes: '> quote\n> more\n\n> another\nlazy\n\n> - list in quote\n> > nested\n\nText\n',
  'setext headings': 'Setext\n======\n\nOther\n------\n\npara\n\nLine one\nLine two\n---\n',
  'open fence': 'Intro\n\n```js\nconsole.log(1)\n\nstill open',
  CRLF: '# CRLF\r\n\r\nline one\r\nline two\r\n\r\n- item\r\n- item2\r\n\r\n```\r\ncode\r\n```\r\n',
  'paragraph split by a later line': 'text\n2. two\n---\n\nafter\n',
  'reply without trailing newline': '## Done\n\nAll **good**',
  math: 'Inline $x^2$ and \\(y\\), $5 and $10.\nText\n$$\n\\frac{a}{b}\n$$\n\n\\[\nz\n\\]\n\n- $a$ item\n\n```sh\necho $HOME\n```\n',
};

/** Deterministic PRNG (mulberry32), so a failing chunking can be reproduced from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Chunking = (text: string) => number[];

const everyChar: Chunking = (text) => Array.from({ length: text.length }, (_, i) => i + 1);

function randomSizes(seed: number, maxSize: number): Chunking {
  return (text) => {
    const next = random(seed);
    const cuts: number[] = [];
    for (let cut = 0; cut < text.length;) {
      cut = Math.min(text.length, cut + 1 + Math.floor(next() * maxSize));
      cuts.push(cut);
    }
    return cuts;
  };
}

/** Cuts inside every occurrence of `marker` (after each of its characters but the last). */
function inside(marker: string): Chunking {
  return (text) => {
    const cuts: number[] = [];
    for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) {
      for (let offset = 1; offset < marker.length; offset++) cuts.push(at + offset);
    }
    return [...cuts, text.length];
  };
}

/** Cuts in the middle of every table row. */
const midTableRow: Chunking = (text) => {
  const cuts: number[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) cuts.push(lineStart + Math.floor(line.length / 2));
    lineStart += line.length + 1;
  }
  return [...cuts, text.length];
};

const CHUNKINGS: Readonly<Record<string, Chunking>> = {
  'every char': everyChar,
  'random 1-8 (seed 1)': randomSizes(1, 8),
  'random 1-40 (seed 2)': randomSizes(2, 40),
  'random 1-120 (seed 3)': randomSizes(3, 120),
  'inside fence markers': inside('```'),
  'inside CRLF': inside('\r\n'),
  'mid table row': midTableRow,
};

const html = (markdown: IncrementalMarkdown): string =>
  markdown.blocks.map((block) => block.html).join('') + markdown.tailHtml;

/**
 * Streams `text` cut at `cuts` and checks after every update that emitted blocks never change:
 * the same objects, in order, with increasing ids.
 */
function stream(text: string, cuts: readonly number[], markdown = new IncrementalMarkdown()) {
  let seen: readonly RenderedBlock[] = [];
  const check = (): void => {
    const { blocks } = markdown;
    expect(blocks.slice(0, seen.length)).toEqual(seen);
    blocks.forEach((block, i) => {
      if (i < seen.length) expect(block).toBe(seen[i]);
      if (i > 0) expect(block.id).toBeGreaterThan(blocks[i - 1]?.id ?? -1);
    });
    seen = blocks;
  };
  for (const cut of cuts) {
    markdown.update(text.slice(0, cut));
    check();
  }
  markdown.finish();
  check();
  return markdown;
}

describe('IncrementalMarkdown output', () => {
  // Exactly equal, not just alike: finished blocks are runs of top-level tokens that lex the same
  // on their own as in context, marked renders top-level tokens independently, and the sanitizer
  // serialises sibling nodes independently, so the pieces concatenate to the whole.
  for (const [corpus, text] of Object.entries(CORPORA)) {
    for (const [chunking, cutsOf] of Object.entries(CHUNKINGS)) {
      it(`equals renderMarkdown for ${corpus}, cut ${chunking}`, () => {
        expect(html(stream(text, cutsOf(text)))).toBe(renderMarkdown(text));
      });
    }
  }

  it('equals renderMarkdown for random line soup', { timeout: 20_000 }, () => {
    const LINES = ['', '', '# H', 'text *em*', '- item', '  - nested', '1. one', '2. two', '3.', '> q',
      '```js', '```', '~~~', 'code()', '| a | b |', '|---|---|', '| 1 | 2 |', '===', '---', '***',
      '<div>', '    indented', '\ttab', 'x\\', '-', 'a | b', '[l](https://x.example)']; // prettier-ignore
    for (let seed = 1; seed <= 80; seed++) {
      const next = random(seed);
      const lines = Array.from({ length: 4 + Math.floor(next() * 20) }, () => {
        return LINES[Math.floor(next() * LINES.length)] ?? '';
      });
      const text = lines.join(next() < 0.2 ? '\r\n' : '\n');
      const cuts = (next() < 0.3 ? everyChar : randomSizes(seed, 12))(text);
      expect(html(stream(text, cuts)), `seed ${seed}: ${JSON.stringify(text)}`).toBe(
        renderMarkdown(text),
      );
    }
  });

  it('shows the text so far while streaming, the open block in the tail', () => {
    const markdown = new IncrementalMarkdown();
    markdown.update('# Title\n\nFirst para');
    // Only complete lines decide: "First para" could still become anything.
    expect(markdown.blocks).toEqual([]);
    expect(markdown.tailHtml).toBe('<h1>Title</h1>\n<p>First para</p>\n');
    markdown.update('# Title\n\nFirst para\nsecond line');
    expect(markdown.blocks.map((block) => block.html)).toEqual(['<h1>Title</h1>\n']);
    expect(markdown.tailHtml).toBe('<p>First para\nsecond line</p>\n');
  });

  it('keeps an unclosed fence open until finish', () => {
    const markdown = new IncrementalMarkdown();
    markdown.update('```js\nlet a;\n\n\nlet b;\n');
    expect(markdown.blocks).toEqual([]);
    markdown.finish();
    expect(markdown.tailHtml).toBe('');
    expect(html(markdown)).toBe(renderMarkdown('```js\nlet a;\n\n\nlet b;\n'));
  });
});

describe('IncrementalMarkdown work', () => {
  const reply = Array.from(
    { length: 40 },
    (_, i) =>
      `## Part ${i}\n\nSome prose with **bold** and a [link](https://example.com/${i}).\n\n` +
      `- one\n- two\n  - nested\n\n\`\`\`ts\nconst x${i} = ${i};\n\nconsole.log(x${i});\n\`\`\`\n\n` +
      `| a | b |\n|---|---|\n| ${i} | ${i * 2} |\n\n> quoted ${i}\n\n`,
  ).join('');

  it(
    'renders finished text once, only the tail again, far below quadratic work',
    { timeout: 20_000 },
    () => {
      let calls: string[] = [];
      let totalRendered = 0;
      const markdown = new IncrementalMarkdown((src) => {
        calls.push(src);
        totalRendered += src.length;
        return renderMarkdown(src);
      });
      const chunks = 2000;
      const size = Math.ceil(reply.length / chunks);
      let committed = 0;
      for (let end = size; end < reply.length + size; end += size) {
        const text = reply.slice(0, end);
        const blockCount = markdown.blocks.length;
        calls = [];
        markdown.update(text);
        // A new block comes from exactly one render of source not rendered as finished before...
        if (markdown.blocks.length > blockCount) {
          const run = calls.shift() ?? '';
          expect(markdown.blocks).toHaveLength(blockCount + 1);
          expect(reply.startsWith(run, committed)).toBe(true);
          committed += run.length;
        }
        // ...and everything else rendered is the open tail after it.
        expect(calls).toEqual(committed < text.length ? [text.slice(committed)] : []);
      }
      markdown.finish();

      expect(html(markdown)).toBe(renderMarkdown(reply));
      // Re-rendering the whole reply per chunk would cost about chunks / 2 = 1000 times its length.
      expect(totalRendered).toBeLessThan(20 * reply.length);
    },
  );

  it('does nothing when the text did not change', () => {
    let calls = 0;
    const markdown = new IncrementalMarkdown((src) => {
      calls++;
      return renderMarkdown(src);
    });
    markdown.update('# a\n\nb');
    const before = calls;
    markdown.update('# a\n\nb');
    expect(calls).toBe(before);
  });
});

describe('IncrementalMarkdown reset', () => {
  it('starts over when the text is not an append, with fresh ids', () => {
    const markdown = new IncrementalMarkdown();
    markdown.update('# One\n\nTwo\n\nThr');
    const oldIds = markdown.blocks.map((block) => block.id);
    expect(oldIds.length).toBeGreaterThan(0);

    markdown.update('Different\n\n- text\n');
    expect(markdown.blocks.every((block) => block.id > Math.max(...oldIds))).toBe(true);
    markdown.finish();
    expect(html(markdown)).toBe(renderMarkdown('Different\n\n- text\n'));
  });

  it('treats any change after finish as a new reply', () => {
    const markdown = new IncrementalMarkdown();
    markdown.update('para one');
    markdown.finish();
    const finished = markdown.blocks;
    markdown.update('para one');
    expect(markdown.blocks).toBe(finished);

    markdown.update('para one continued');
    markdown.finish();
    expect(html(markdown)).toBe(renderMarkdown('para one continued'));
  });
});
