import type { Page } from '@playwright/test';
import { settle, type BenchCase, type Figure } from '../support';

/**
 * Main-thread work per keystroke in the open 1,000-message conversation while the token
 * estimate follows the draft: from the input event to the end of the task it starts (Svelte's
 * flush, the request body, the estimate's cache lookups and its postMessage), worst of 30.
 */
async function benchTokenEstimate(page: Page, record: (figure: Figure) => void): Promise<void> {
  const status = page.getByRole('status', { name: 'Token estimate', exact: true });
  // It arrives after the first screen (views/later.ts): wait for it rather than race it.
  await status.waitFor({ timeout: 10_000 }).catch(() => undefined);
  if ((await status.count()) === 0) {
    console.log('No Token estimate in the chat view: skipped the per-keystroke figure.');
    return;
  }
  // Only what typing costs: the opening's background work (highlighting) is done first.
  await settle(page);
  const worst = await page.evaluate(async () => {
    const box = document.querySelector<HTMLTextAreaElement>('textarea[id$="-message"]');
    if (!box) throw new Error('no Message box');
    let worst = 0;
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      box.value += 'a';
      box.dispatchEvent(new Event('input', { bubbles: true }));
      // A message-channel task runs after this task and its microtasks (Svelte's flush).
      await new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(null);
      });
      worst = Math.max(worst, performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return worst;
  });
  record({
    name: 'token estimate: main-thread work per keystroke, 1,000 messages (worst of 30)',
    value: worst,
    unit: 'ms',
    budget: 16,
    kind: 'max',
  });
}

export const tokenEstimate: BenchCase = {
  id: 'token-estimate',
  title: 'Typing in the 1,000-message conversation…',
  // Types into the conversation open-long opened.
  after: ['open-long'],
  run: ({ page, record }) => benchTokenEstimate(page, record),
};
