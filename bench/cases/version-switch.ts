import type { Page } from '@playwright/test';
import { clearData, seed, settle, type BenchCase, type Figure } from '../support';

/**
 * Switching versions in a 1,000-message conversation: message 940 (a question) has a second
 * version with its own 59 messages. From the click on "Previous version" to the other branch's
 * newest message drawn.
 */
async function benchVersionSwitch(page: Page, record: (figure: Figure) => void): Promise<void> {
  await clearData(page);
  await seed(page, 1, 1_000);
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
    });
    const tx = db.transaction(['conversations', 'messages'], 'readwrite');
    const base = Date.now();
    let parentId = 'bench-c0-m939';
    for (let m = 940; m < 1_000; m++) {
      const id = `bench-alt-m${m}`;
      const isUser = m % 2 === 0;
      tx.objectStore('messages').put({
        id,
        conversationId: 'bench-c0',
        parentId,
        role: isUser ? 'user' : 'assistant',
        content: isUser ? `Other question ${m}?` : `Other answer ${m}.`,
        status: 'complete',
        createdAt: base + m,
        updatedAt: base + m,
      });
      parentId = id;
    }
    const conversations = tx.objectStore('conversations');
    const request = conversations.get('bench-c0');
    request.onsuccess = () => {
      conversations.put({ ...request.result, currentLeafId: parentId, updatedAt: base + 5_000 });
    };
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
  await page.reload();
  await page.getByText('Other answer 999.').waitFor();
  // The transcript draws its first 60 messages a slice at a time: the 60th from the end too.
  await page.getByText('Other question 940?').waitFor();
  await settle(page);
  const elapsed = await page.evaluate(async () => {
    const article = [...document.querySelectorAll('[role="log"] article')].find((a) =>
      a.textContent.includes('Other question 940?'),
    );
    const previous = article?.querySelector<HTMLButtonElement>(
      'button[aria-label="Previous version"]',
    );
    if (!previous) throw new Error('no Previous version button');
    const start = performance.now();
    previous.click();
    await new Promise<void>((resolve) => {
      const check = () => {
        const articles = document.querySelectorAll('[role="log"] article');
        if (articles[articles.length - 1]?.textContent.includes('Answer 999.')) {
          requestAnimationFrame(() => resolve());
        } else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - start;
  });
  record({
    name: 'switch versions in a 1,000-message conversation',
    value: elapsed,
    unit: 'ms',
    budget: 50,
    kind: 'max',
  });
}

export const versionSwitch: BenchCase = {
  id: 'version-switch',
  title: 'Switching versions in a 1,000-message conversation…',
  run: ({ page, record }) => benchVersionSwitch(page, record),
};
