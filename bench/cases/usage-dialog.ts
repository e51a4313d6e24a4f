import type { Page } from '@playwright/test';
import type { BenchCase, Figure } from '../support';

/** A year of usage written straight into IndexedDB: 50,000 requests and their day totals. */
async function seedUsage(page: Page, requests: number): Promise<void> {
  await page.evaluate(async (requests) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    const models = ['gpt-4o-mini', 'gpt-4o', 'o3', 'house-model'];
    const days = new Map<string, Record<string, unknown>>();
    const tx = db.transaction(['usage', 'usage-days'], 'readwrite');
    const start = Date.now() - 365 * 86_400_000;
    for (let i = 0; i < requests; i++) {
      const time = start + Math.floor((i / requests) * 365 * 86_400_000);
      const model = models[i % models.length] ?? 'gpt-4o';
      const cost = model === 'house-model' ? null : 0.001;
      tx.objectStore('usage').put({
        id: `bench-u${i}`,
        time,
        conversationId: `bench-c${i % 200}`,
        model,
        endpoint: 'https://api.openai.com',
        promptTokens: 1_000,
        cachedTokens: 100,
        completionTokens: 300,
        reasoningTokens: 0,
        cost,
        priceVersion: cost === null ? null : 'genai-prices',
      });
      const date = new Date(time);
      const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
      const key = `${day}\u0000${model}`;
      const total = days.get(key) ?? {
        key,
        day,
        model,
        requests: 0,
        promptTokens: 0,
        cachedTokens: 0,
        completionTokens: 0,
        reasoningTokens: 0,
        cost: 0,
        unpricedRequests: 0,
      };
      total.requests = (total.requests as number) + 1;
      total.promptTokens = (total.promptTokens as number) + 1_000;
      total.cachedTokens = (total.cachedTokens as number) + 100;
      total.completionTokens = (total.completionTokens as number) + 300;
      total.cost = (total.cost as number) + (cost ?? 0);
      total.unpricedRequests = (total.unpricedRequests as number) + (cost === null ? 1 : 0);
      days.set(key, total);
    }
    for (const total of days.values()) tx.objectStore('usage-days').put(total);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, requests);
}

/** Opening the Usage dialog with a year of usage: click to both tables drawn, all time. */
async function benchUsageDialog(page: Page, record: (figure: Figure) => void): Promise<void> {
  await seedUsage(page, 50_000);
  await page.reload();
  await page.getByRole('button', { name: 'Usage', exact: true }).waitFor();
  const elapsed = await page.evaluate(async () => {
    const button = [...document.querySelectorAll('header button')].find(
      (b) => b.textContent.trim() === 'Usage',
    ) as HTMLButtonElement;
    const start = performance.now();
    button.click();
    await new Promise<void>((resolve) => {
      const check = () => {
        const tables = document.querySelectorAll('dialog[open] table tbody tr');
        if (tables.length > 0) requestAnimationFrame(() => resolve());
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - start;
  });
  record({
    name: 'open the Usage dialog with 50,000 requests stored',
    value: elapsed,
    unit: 'ms',
    budget: 200,
    kind: 'max',
  });
}

export const usageDialog: BenchCase = {
  id: 'usage-dialog',
  title: 'Opening the Usage dialog with 50,000 requests…',
  run: ({ page, record }) => benchUsageDialog(page, record),
};
