/**
 * The parameters panel: shown or hidden with the Parameters button (remembered), the model and
 * preset named in the header while it is closed, and on a phone a sheet over the chat, closed by
 * default, with no horizontal scroll and the composer in view.
 */
import { expect, send, test, transcript } from './fixtures';

test.describe('parameters panel', () => {
  test('collapses and reopens, names the model and preset while closed, and is remembered', async ({
    page,
    connect,
  }) => {
    await connect();
    const toggle = page.getByRole('button', { name: 'Parameters', exact: true });
    const temperature = page.getByRole('spinbutton', { name: 'Temperature', exact: true });
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(temperature).toBeVisible();

    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(temperature).toHaveCount(0);
    // The model in force stays named beside the button.
    await expect(page.getByText('gpt-4o-mini', { exact: true })).toBeVisible();

    await page.reload();
    const again = page.getByRole('button', { name: 'Parameters', exact: true });
    await expect(again).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveCount(0);

    await again.press('Enter');
    await expect(again).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByRole('spinbutton', { name: 'Temperature', exact: true })).toBeVisible();
  });

  test('on a phone: a sheet closed by default, no horizontal scroll, the composer in view', async ({
    page,
    connect,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await connect();
    await send(page, 'Hello from a phone');
    await expect(transcript(page).getByRole('article', { name: /^Assistant/ })).toHaveCount(1);

    const toggle = page.getByRole('button', { name: 'Parameters', exact: true });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByRole('spinbutton', { name: 'Temperature', exact: true })).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeInViewport();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // The transcript gets most of the height: the composer sits in the bottom part of the screen.
    const composer = await page
      .getByRole('textbox', { name: 'Message', exact: true })
      .boundingBox();
    expect(composer?.y ?? 0).toBeGreaterThan(844 * 0.6);

    await toggle.click();
    const sheet = page.getByRole('complementary', { name: 'Conversation settings' });
    await expect(sheet).toBeVisible();
    await expect(sheet.getByRole('spinbutton', { name: 'Temperature', exact: true })).toBeVisible();
    await sheet.getByRole('spinbutton', { name: 'Temperature', exact: true }).press('Escape');
    await expect(sheet).toHaveCount(0);
    await expect(toggle).toBeFocused();
  });

  test('on a phone, messages fit the width: long code scrolls inside its block, the actions wrap', async ({
    page,
    server,
    connect,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await connect();
    server.use('code-and-math');
    await send(page, 'Explain how Parley stores conversations, with an example');
    const reply = transcript(page).getByRole('article', { name: /^Assistant/ });
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    const log = transcript(page);
    const sideways = await log.evaluate((element) => {
      const scroller = element.closest('.viewport') ?? element;
      return scroller.scrollWidth - scroller.clientWidth;
    });
    expect(sideways).toBeLessThanOrEqual(0);
    // Highlighted at this width too (a layout change once stopped that on phones only).
    await expect(reply.locator('.hljs-keyword').first()).toBeAttached();
    // Each code block scrolls by itself, inside the reply, with its Copy code button in view.
    const copyCode = reply.getByRole('button', { name: 'Copy code', exact: true }).first();
    const button = await copyCode.boundingBox();
    expect((button?.x ?? 0) + (button?.width ?? 0)).toBeLessThanOrEqual(390);
    const clipped = await reply.evaluate((article) => article.scrollWidth - article.clientWidth);
    expect(clipped).toBeLessThanOrEqual(0);
    const question = log.getByRole('article', { name: /^User/ });
    for (const name of ['Copy', 'Edit', 'Branch in new chat', 'Delete']) {
      const box = await question.getByRole('button', { name, exact: true }).boundingBox();
      expect(box, name).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), name).toBeLessThanOrEqual(390);
      expect(box?.x ?? -1, name).toBeGreaterThanOrEqual(0);
    }
  });
});
