import { XSS_CORPUS } from '../../src/lib/markdown/testing/xss-corpus';
import { expect, replies, send, test } from './fixtures';

test('no payload of the XSS corpus runs when a reply contains it, in a real browser', async ({
  page,
  connect,
}) => {
  await connect();
  // Every payload calls alert(); count calls and any dialog the page tries to open.
  await page.evaluate(() => {
    const w = window as unknown as { alerts: number };
    w.alerts = 0;
    window.alert = () => {
      w.alerts += 1;
    };
  });
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs += 1;
    void dialog.dismiss();
  });

  // The test server echoes the message, so the reply carries every payload verbatim.
  await send(page, XSS_CORPUS.join('\n\n'));
  const reply = replies(page).last();
  await expect(reply.getByRole('button', { name: 'Copy' })).toBeVisible();
  const body = reply.locator('.markdown');
  await expect(
    body.locator('script, iframe, object, embed, form, input, style, svg, math, img'),
  ).toHaveCount(0);
  await expect(body.locator('[onerror], [onload], [onclick], [onfocus], [ontoggle]')).toHaveCount(
    0,
  );
  await expect(body.locator('[style]')).toHaveCount(0);
  for (const href of await body
    .locator('a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
    expect(href).toMatch(/^(https?:|mailto:|tel:|#|\/|[^:]*$)/i);
  }
  for (const a of await body.locator('a[href]').all()) {
    await expect(a).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(a).toHaveAttribute('target', '_blank');
  }
  // Hover every link: an injected mouse handler would fire now.
  for (const a of await body.locator('a').all()) {
    await a.hover();
  }
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => (window as unknown as { alerts: number }).alerts)).toBe(0);
  expect(dialogs).toBe(0);
});
