/**
 * What every bench case shares: the figure type, the context a case runs in, connecting a page to
 * the test server, and seeding Parley's IndexedDB the way a long-time user's browser holds it
 * (Parley's own record shapes, written straight into its stores from the page).
 */
import type { Browser, Page } from '@playwright/test';
import type { TestServer } from '../tests/support/server';
import { TEST_API_KEY } from '../tests/support/server';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  budget: number;
  /** 'max': the value must not exceed the budget; 'min': it must reach it. */
  kind: 'max' | 'min';
}

export interface BenchContext {
  browser: Browser;
  /** A page connected to the test server (see `connect`), shared by the cases in turn. */
  page: Page;
  server: TestServer;
  /** Where the production build is served, e.g. http://127.0.0.1:4199/parley/ */
  appUrl: string;
  /** The production build's folder, for sizes of what was fetched. */
  dist: string;
  /** A property, not a method: cases take it apart from the context. */
  record: (figure: Figure) => void;
}

export interface BenchCase {
  /** What BENCH_ONLY / BENCH_SKIP name it by. */
  id: string;
  /** Printed while it runs. */
  title: string;
  /**
   * Cases that leave the state this one measures in (a seeded history, an open conversation):
   * run before it even when only this one is selected.
   */
  after?: readonly string[];
  run: (context: BenchContext) => Promise<void>;
}

export const SENTINEL = 'END-OF-BENCH-REPLY';

/**
 * tsx compiles the bench with esbuild's keepNames, which wraps named functions in a `__name()`
 * helper that does not exist inside the page; functions passed to page.evaluate need a stand-in.
 */
export const NAME_SHIM = 'globalThis.__name = (target) => target;';

export async function connect(page: Page, server: TestServer, appUrl: string): Promise<void> {
  await page.addInitScript(NAME_SHIM);
  await page.goto(appUrl);
  await page.getByLabel('API key', { exact: true }).fill(TEST_API_KEY);
  await page.getByLabel('Base URL', { exact: true }).fill(server.url);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface SeedOptions {
  /**
   * Characters in each message; without it, the short Markdown answers and questions the older
   * cases were measured with.
   */
  chars?: number;
  /**
   * Conversations written per transaction. One transaction per conversation is slow for a big
   * history (each commit waits for the disk); a few hundred thousand messages want big ones.
   */
  perTransaction?: number;
}

/** Writes conversations straight into IndexedDB, as a long-time user's browser would hold them. */
export async function seed(
  page: Page,
  conversations: number,
  messagesEach: number,
  options: SeedOptions = {},
): Promise<string[]> {
  return page.evaluate(
    async ({ conversations, messagesEach, chars, perTransaction }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('parley');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('open failed'));
      });
      const ids: string[] = [];
      const now = Date.now() - conversations * 1000;
      const paragraph =
        'Here is a **detailed** answer with `code`, a [link](https://example.com) and a list:\n\n- one\n- two\n- three\n\n```ts\nconst x = 1;\n```\n';
      const filler =
        'The quick brown fox jumps over the lazy dog, and a **bold** word or `code` now and then. ';
      // Every tenth question carries a Chinese sentence, so searches in Chinese have text to find
      // (the search bench's Chinese queries are words inside these runs of characters).
      const chinese = [
        '我们明天去北京旅行，顺便看看长城。',
        '请帮我检查这个数据库查询为什么很慢。',
        '机器学习模型的训练需要多少数据？',
        '这篇文章的主要观点是什么，请总结一下。',
      ];
      const withChinese = (head: string, c: number, m: number) =>
        m % 20 === 10 ? `${head} ${chinese[c % chinese.length] ?? ''}` : head;
      const sized = (head: string) =>
        chars === null
          ? head
          : (head + ' ' + filler.repeat(Math.ceil(chars / filler.length))).slice(0, chars);
      for (let first = 0; first < conversations; first += perTransaction) {
        const tx = db.transaction(['conversations', 'messages'], 'readwrite');
        const messages = tx.objectStore('messages');
        const records = tx.objectStore('conversations');
        for (let c = first; c < Math.min(conversations, first + perTransaction); c++) {
          const id = `bench-c${c}`;
          ids.push(id);
          let parentId: string | null = null;
          for (let m = 0; m < messagesEach; m++) {
            const messageId = `${id}-m${m}`;
            const isUser = m % 2 === 0;
            messages.put({
              id: messageId,
              conversationId: id,
              parentId,
              role: isUser ? 'user' : 'assistant',
              content: isUser
                ? sized(withChinese(`Question ${m} of conversation ${c}?`, c, m))
                : chars === null
                  ? `${paragraph}Answer ${m}.`
                  : sized(`Answer ${m}.`),
              status: 'complete',
              createdAt: now + c * 1000 + m,
              updatedAt: now + c * 1000 + m,
              ...(isUser ? {} : { model: 'gpt-4o-mini', finishReason: 'stop' }),
            });
            parentId = messageId;
          }
          records.put({
            id,
            title: `Benchmark conversation ${c}`,
            isTitleCustom: false,
            systemPrompt: 'You are a helpful assistant.',
            params: { model: 'gpt-4o-mini', temperature: 1, maxTokens: null },
            createdAt: now + c * 1000,
            updatedAt: now + c * 1000 + messagesEach,
            currentLeafId: parentId,
          });
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onabort = () => reject(tx.error ?? new Error('seeding aborted'));
        });
      }
      db.close();
      return ids;
    },
    {
      conversations,
      messagesEach,
      chars: options.chars ?? null,
      perTransaction: options.perTransaction ?? 1,
    },
  );
}

export async function clearData(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
    });
    const tx = db.transaction(['conversations', 'messages'], 'readwrite');
    tx.objectStore('conversations').clear();
    tx.objectStore('messages').clear();
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
}

/**
 * Resolves once the page has been quiet for `quietMs` (every idle period in that time a whole one,
 * 50 ms with nothing to run, and no file fetched) or after `timeoutMs`: what the page does in the
 * background (highlighting the code on screen, the chunks and the model list fetched after the
 * first screen) is then not counted in the next figure. One idle period is not enough: the page
 * is idle while a chunk it asked for is on its way, and the chunk's work follows.
 */
export async function settle(page: Page, timeoutMs = 5_000, quietMs = 500): Promise<void> {
  await page.evaluate(
    ({ limit, quiet }) =>
      new Promise<void>((resolve) => {
        const until = performance.now() + limit;
        let since = performance.now();
        // An observer, not the resource timing buffer: that one stops growing at 250 entries.
        const fetches = new PerformanceObserver(() => (since = performance.now()));
        fetches.observe({ type: 'resource' });
        const check = (deadline: IdleDeadline) => {
          const now = performance.now();
          if (deadline.timeRemaining() < 49) since = now;
          if (now - since >= quiet || now > until) {
            fetches.disconnect();
            resolve();
          } else requestIdleCallback(check);
        };
        requestIdleCallback(check);
      }),
    { limit: timeoutMs, quiet: quietMs },
  );
}
