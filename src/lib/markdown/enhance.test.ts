// @vitest-environment happy-dom
// The enhancer in a DOM: buttons it makes itself, what Copy code copies, plain open blocks while
// streaming, and highlighting and MathML filled in from work done once. happy-dom lays nothing
// out, so its IntersectionObserver would never see a block on screen: without one, the enhancer
// runs jobs in idle time straight away (its fallback path), which is what these tests use.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MarkdownEnhancer, type CodeLabels } from './enhance';
import { renderMarkdown } from './render';
import { installHappyDomNodeNameFix } from './testing/happy-dom';

afterAll(installHappyDomNodeNameFix());

const LABELS: CodeLabels = { copy: 'Copy code', copied: 'Copied', failed: 'Refused' };

function mount(markdown: string, isStreaming = false) {
  const root = document.createElement('div');
  root.className = 'markdown';
  root.innerHTML = renderMarkdown(markdown);
  document.body.append(root);
  const enhancer = new MarkdownEnhancer(root, {
    isStreaming: () => isStreaming,
    labels: () => LABELS,
  });
  return { root, enhancer };
}

beforeEach(() => {
  vi.stubGlobal('IntersectionObserver', undefined);
});

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

describe('MarkdownEnhancer', () => {
  it('adds one Copy code button per code block, and copies exactly the code', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const { root, enhancer } = mount('```js\nlet a = 1;\n```\n\n    indented\n');
    const buttons = root.querySelectorAll('button');
    expect([...buttons].map((button) => button.textContent)).toEqual(['Copy code', 'Copy code']);
    buttons[0]?.click();
    await vi.waitFor(() => expect(buttons[0]?.textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('let a = 1;');
    enhancer.destroy();
    vi.unstubAllGlobals();
  });

  it('says so when the clipboard is refused', async () => {
    vi.stubGlobal('navigator', {
      clipboard: { writeText: () => Promise.reject(new Error('NotAllowedError')) },
    });
    const { root } = mount('```\nx\n```');
    root.querySelector('button')?.click();
    await vi.waitFor(() =>
      expect(root.querySelector('[role="status"]')?.textContent).toBe('Refused'),
    );
    expect(root.querySelector('button')?.textContent).toBe('Copy code');
    vi.unstubAllGlobals();
  });

  it('acts only on buttons it made itself', () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const { root } = mount('text');
    const foreign = document.createElement('button');
    root.append(foreign);
    foreign.click();
    expect(writeText).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('leaves a block whose fence is still open plain and without a button while streaming', () => {
    const { root } = mount('```ts\nconst a = 1;\n', true);
    expect(root.querySelector('button')).toBeNull();
    expect(root.querySelector('pre')?.hasAttribute('tabindex')).toBe(false);
  });

  it(
    'highlights a finished block once and renders math, then fills copies from the cache',
    { timeout: 30_000 },
    async () => {
      const first = mount('```ts\nconst cached = 1;\n```\n\nArea $\\pi r^2$.');
      await vi.waitFor(
        () => {
          expect(first.root.querySelector('code .hljs-keyword')?.textContent).toBe('const');
          expect(first.root.querySelector('.math math')).not.toBeNull();
        },
        { timeout: 25_000 },
      );
      // The same content again (a block committed at the end of a stream, a conversation
      // reopened): filled in synchronously, before any idle time.
      const again = mount('```ts\nconst cached = 1;\n```\n\nArea $\\pi r^2$.');
      expect(again.root.querySelector('code .hljs-keyword')?.textContent).toBe('const');
      expect(again.root.querySelector('.math math')).not.toBeNull();
    },
  );

  it('keeps invalid TeX and unknown languages as their source', { timeout: 30_000 }, async () => {
    const { root } = mount('```klingon\nQapla\n```\n\nBroken $\\frac{1}{$ and fine $x$.');
    await vi.waitFor(() => expect(root.querySelectorAll('.math math')).toHaveLength(1), {
      timeout: 25_000,
    });
    expect(root.querySelector('.math')?.textContent).toBe('$\\frac{1}{$');
    expect(root.querySelector('code span')).toBeNull();
  });

  it('enhances nodes inserted later (the streaming tail, a committed block)', async () => {
    const { root } = mount('');
    root.insertAdjacentHTML('beforeend', renderMarkdown('```py\nprint(1)\n```'));
    await vi.waitFor(() => expect(root.querySelector('button')?.textContent).toBe('Copy code'));
  });
});
