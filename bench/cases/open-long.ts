/** Opening a conversation of 1,000 messages: click to interactive. */
import type { Page } from '@playwright/test';
import { clearData, seed, settle, type BenchCase, type Figure } from '../support';

async function benchOpenLong(page: Page, record: (figure: Figure) => void): Promise<void> {
  await clearData(page);
  await seed(page, 1, 1_000);
  await seed(page, 0, 0);
  // A second, newer, short conversation is what opens first; then the long one is clicked.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
    });
    const tx = db.transaction('conversations', 'readwrite');
    tx.objectStore('conversations').put({
      id: 'bench-short',
      title: 'Short one',
      isTitleCustom: true,
      systemPrompt: '',
      params: { model: 'gpt-4o-mini', temperature: 1, maxTokens: null },
      createdAt: Date.now(),
      updatedAt: Date.now() + 10_000_000,
      currentLeafId: null,
    });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
  await page.reload();
  const target = page.getByRole('button', { name: 'Benchmark conversation 0', exact: true });
  await target.waitFor();
  // Opening is measured, not the start of the page: what loads once the first screen is drawn
  // (strings, the Markdown engine, the model catalog, the sending code) has arrived first.
  await page.waitForLoadState('networkidle');
  await settle(page);
  const elapsed = await page.evaluate(async () => {
    const button = [...document.querySelectorAll('nav button')].find(
      (b) => b.textContent.trim() === 'Benchmark conversation 0',
    ) as HTMLButtonElement;
    const start = performance.now();
    button.click();
    // Interactive: the newest message is drawn and the page answers the next frame.
    await new Promise<void>((resolve) => {
      const check = () => {
        const articles = document.querySelectorAll('[role="log"] article');
        if (
          articles.length > 0 &&
          articles[articles.length - 1]?.textContent.includes('Answer 999.')
        ) {
          requestAnimationFrame(() => resolve());
        } else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - start;
  });
  record({
    name: 'open a 1,000-message conversation',
    value: elapsed,
    unit: 'ms',
    budget: 150,
    kind: 'max',
  });
}

export const openLong: BenchCase = {
  id: 'open-long',
  title: 'Opening a 1,000-message conversation…',
  run: ({ page, record }) => benchOpenLong(page, record),
};
