import { MATHML_XSS_CORPUS, XSS_CORPUS } from '../../src/lib/markdown/testing/xss-corpus';
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
  await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
  const body = reply.locator('.markdown');
  await expect(
    body.locator('script, iframe, object, embed, form, input, style, svg, img'),
  ).toHaveCount(0);
  // MathML comes only from KaTeX (the corpus has TeX in it), with nothing but its own elements.
  // Math renders when it comes on screen: scroll to the last formula, as a reader would.
  await body.locator('.math').last().scrollIntoViewIfNeeded();
  await expect(body.locator('.math math').last()).toBeAttached();
  await expect(
    body.locator('math :is(maction, annotation-xml, a, span, img, [href], [class], [id])'),
  ).toHaveCount(0);
  // The only buttons are the ones the app adds to code blocks.
  for (const name of await body
    .getByRole('button')
    .evaluateAll((buttons) => buttons.map((button) => button.textContent))) {
    expect(name).toBe('Copy code');
  }
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

test('the MathML sanitizer neutralises hostile MathML in a real browser', async ({
  page,
  connect,
}) => {
  await connect();
  await send(page, 'Math: $x^2$');
  await expect(replies(page).last().locator('.math math')).toBeAttached();
  // The app has loaded its math chunk for that reply; import the same module to call it.
  const url = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .find((name) => /\/math-render-[\w-]+\.js$/.test(name)) ?? '',
  );
  expect(url).not.toBe('');
  const results = await page.evaluate(
    async ({ url, corpus }) => {
      const module = (await import(url)) as { sanitizeMathml: (html: string) => string };
      let alerts = 0;
      window.alert = () => {
        alerts += 1;
      };
      const host = document.createElement('div');
      document.body.append(host);
      const unsafe: string[] = [];
      for (const payload of corpus) {
        host.innerHTML = module.sanitizeMathml(payload);
        for (const element of host.querySelectorAll('*')) {
          for (const type of ['click', 'mouseover', 'focus', 'load', 'error']) {
            element.dispatchEvent(new Event(type));
          }
          const bad =
            /^(maction|annotation-xml|img|script|style|iframe|svg|a|table)$/i.test(
              element.localName,
            ) ||
            [...element.attributes].some(({ name }) =>
              /^(on|href$|xlink:|style$|class$|src)/i.test(name),
            );
          if (bad) unsafe.push(`${payload} -> ${host.innerHTML}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      host.remove();
      return { alerts, unsafe };
    },
    { url, corpus: MATHML_XSS_CORPUS },
  );
  expect(results).toEqual({ alerts: 0, unsafe: [] });
});
