import type { Page } from '@playwright/test';
import { expect, replies, send, test } from './fixtures';

async function openMore(page: Page): Promise<void> {
  const summary = page.getByText('More parameters', { exact: true });
  if ((await summary.locator('xpath=..').getAttribute('open')) === null) await summary.click();
}

function field(page: Page, name: string) {
  return page.getByRole('spinbutton', { name, exact: true });
}

test.describe('every request parameter, exactly as shown', () => {
  test('each parameter goes into the body under its API name', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await openMore(page);
    await field(page, 'Temperature').fill('0.4');
    await field(page, 'Max tokens').fill('700');
    await field(page, 'Top P').fill('0.9');
    await field(page, 'Choices (n)').fill('2');
    await field(page, 'Presence penalty').fill('0.5');
    await field(page, 'Frequency penalty').fill('-0.5');
    await field(page, 'Seed').fill('42');
    await page.getByRole('textbox', { name: 'Stop sequence 1', exact: true }).fill('END');
    await page.getByRole('textbox', { name: 'Stop sequence 2', exact: true }).fill('\\n\\n');
    await page
      .getByRole('combobox', { name: 'Response format', exact: true })
      .selectOption('json_object');
    await send(page, 'Reply in JSON please');
    await expect(replies(page)).toHaveCount(1);
    await expect(
      replies(page).first().getByRole('button', { name: 'Copy', exact: true }),
    ).toBeVisible();
    expect(server.chatRequests()[0]).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Reply in JSON please' },
      ],
      temperature: 0.4,
      max_tokens: 700,
      top_p: 0.9,
      n: 2,
      stop: ['END', '\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 42,
      response_format: { type: 'json_object' },
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test('empty optional parameters are left out', async ({ page, server, connect }) => {
    await connect();
    await send(page, 'Hi');
    await expect(replies(page).last()).toContainText('You said: Hi');
    expect(Object.keys(server.chatRequests()[0] as object).sort()).toEqual(
      ['messages', 'model', 'stream', 'stream_options', 'temperature'].sort(),
    );
  });

  test('every out-of-range or malformed value is explained beside its field and blocks sending', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await openMore(page);
    const cases: [string, string, string][] = [
      ['Temperature', '2.5', 'Temperature must be a number from 0 to 2.'],
      ['Max tokens', '1.5', 'Max tokens must be a whole number of at least 1, or empty.'],
      ['Max tokens', '999999', 'Max tokens can be at most 16,384 for gpt-4o-mini.'],
      ['Top P', '1.1', 'Top P must be a number from 0 to 1, or empty.'],
      ['Choices (n)', '9', 'Choices must be a whole number from 1 to 8.'],
      ['Choices (n)', '0', 'Choices must be a whole number from 1 to 8.'],
      ['Presence penalty', '-3', 'Presence penalty must be a number from −2 to 2, or empty.'],
      ['Frequency penalty', '2.5', 'Frequency penalty must be a number from −2 to 2, or empty.'],
      ['Seed', '1.5', 'Seed must be a whole number, or empty.'],
    ];
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Hello');
    for (const [name, value, message] of cases) {
      const input = field(page, name);
      const before = await input.inputValue();
      await input.fill(value);
      await expect(page.getByText(message, { exact: true })).toBeVisible();
      await expect(input).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
      await box.press('Enter');
      await input.fill(before);
      await expect(page.getByText(message, { exact: true })).toHaveCount(0);
    }
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt 4o');
    await expect(page.getByText('A model id has no spaces.')).toBeVisible();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4o-mini');
    expect(server.chatRequests()).toHaveLength(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Hello');
  });

  test('JSON mode without the word JSON is explained before sending', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await openMore(page);
    await page
      .getByRole('combobox', { name: 'Response format', exact: true })
      .selectOption('json_object');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Give me a list');
    await expect(page.getByText(/JSON mode needs the word “JSON”/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    expect(server.chatRequests()).toHaveLength(0);
  });

  test('the request preview shows the exact body the next Send posts, as it is edited', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await page.getByText('Request preview', { exact: true }).click();
    const preview = page.getByLabel('Request body', { exact: true });
    await field(page, 'Temperature').fill('0.3');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Preview me');
    await expect(preview).toContainText('"temperature": 0.3');
    await expect(preview).toContainText('"content": "Preview me"');
    const shown = JSON.parse(await preview.innerText()) as unknown;
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(replies(page).last()).toContainText('You said: Preview me');
    expect(server.chatRequests()[0]).toEqual(shown);
    await expect(page.getByText('sk-test')).toHaveCount(0);
  });
});

test.describe('reasoning models', () => {
  test('get max_completion_tokens and none of the parameters they reject, and say so', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await openMore(page);
    await field(page, 'Top P').fill('0.8');
    await field(page, 'Presence penalty').fill('0.2');
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('o3-mini');
    await field(page, 'Max tokens').fill('2000');
    await expect(field(page, 'Temperature')).toBeDisabled();
    await expect(page.getByText('Not sent: o3-mini does not accept it.').first()).toBeVisible();
    await page
      .getByRole('combobox', { name: 'Reasoning effort', exact: true })
      .selectOption('high');
    await send(page, 'Think hard');
    await expect(replies(page).last()).toContainText('You said: Think hard');
    const body = server.chatRequests()[0] as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'o3-mini',
      max_completion_tokens: 2000,
      reasoning_effort: 'high',
    });
    for (const rejected of [
      'temperature',
      'top_p',
      'presence_penalty',
      'frequency_penalty',
      'max_tokens',
    ]) {
      expect(body).not.toHaveProperty(rejected);
    }
  });

  test('a non-reasoning model cannot be sent a reasoning effort', async ({ page, connect }) => {
    await connect();
    await openMore(page);
    await expect(
      page.getByRole('combobox', { name: 'Reasoning effort', exact: true }),
    ).toBeDisabled();
  });
});

test.describe('model catalog', () => {
  test('the Model box suggests the endpoint’s models and the catalog’s, and accepts any id', async ({
    page,
    connect,
  }) => {
    await connect();
    await expect(page.locator('datalist option[value="gpt-4.1-mini"]')).toHaveCount(1);
    await expect(page.locator('datalist option[value="gpt-3.5-turbo-16k"]')).toHaveCount(1);
    await expect(page.locator('datalist option[value="gpt-4-32k"]')).toHaveCount(1);
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-4');
    await expect(page.getByText('Context window: 8,192 tokens.')).toBeVisible();
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('gpt-3.5-turbo');
    await expect(page.getByText('Context window: 4,096 tokens.')).toBeVisible();
  });

  test('a model the catalog does not know can be given a context window', async ({
    page,
    connect,
  }) => {
    await connect();
    await openMore(page);
    await expect(field(page, 'Context window')).toHaveCount(0);
    await page.getByRole('combobox', { name: 'Model', exact: true }).fill('llama3.1:8b');
    await field(page, 'Context window').fill('8192');
    await field(page, 'Max tokens').fill('9000');
    await expect(page.getByText('Max tokens can be at most 8,192 for llama3.1:8b.')).toBeVisible();
    await field(page, 'Max tokens').fill('1000');
    await page.reload();
    await openMore(page);
    await expect(field(page, 'Context window')).toHaveValue('8192');
  });
});

test.describe('several choices (n > 1)', () => {
  test('all choices stream, are stored, and a switcher picks the one the conversation continues from', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    await openMore(page);
    await field(page, 'Choices (n)').fill('3');
    await send(page, 'Give me options');
    const reply = replies(page).last();
    await expect(reply).toContainText('1 / 3');
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    const first = (await reply.locator('.markdown').textContent()) ?? '';
    await reply.getByRole('button', { name: 'Next version' }).click();
    await expect(reply).toContainText('2 / 3');
    // The switch re-renders the reply: wait for the other choice's text before reading it.
    await expect(reply.locator('.markdown')).not.toHaveText(first);
    const second = (await reply.locator('.markdown').textContent()) ?? '';
    await expect(reply).toContainText('for all 3 choices');

    await field(page, 'Choices (n)').fill('1');
    await send(page, 'Go on');
    await expect(replies(page).last()).toContainText('You said: Go on');
    const last = server.chatRequests().at(-1) as { messages: { role: string; content: string }[] };
    expect(last.messages.at(-2)).toEqual({ role: 'assistant', content: second.trim() });

    await page.reload();
    await expect(replies(page).first()).toContainText('2 / 3');
  });
});

test.describe('finish reasons', () => {
  test('a reply cut off by max tokens can Continue, appending to the same message', async ({
    page,
    server,
    connect,
  }) => {
    await connect();
    server.use('length');
    await send(page, 'Write a lot');
    const reply = replies(page).last();
    await expect(reply).toContainText('Cut off: max tokens reached');
    const cut = (await reply.locator('.markdown').textContent()) ?? '';
    server.use('plain');
    await reply.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(reply).not.toContainText('Cut off');
    await expect(reply.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
    await expect(replies(page)).toHaveCount(1);
    const whole = (await reply.locator('.markdown').textContent()) ?? '';
    expect(whole.startsWith(cut.slice(0, 20))).toBe(true);
    expect(whole.length).toBeGreaterThan(cut.length);
    const body = server.chatRequests().at(-1) as {
      messages: { role: string; content: string }[];
      n?: number;
    };
    expect(body.messages.at(-2)).toMatchObject({ role: 'assistant' });
    expect(body.messages.at(-1)?.role).toBe('user');
    expect(body.n).toBeUndefined();
  });

  test('a reply that ended with stop sequences set names them', async ({ page, connect }) => {
    await connect();
    await openMore(page);
    await page.getByRole('textbox', { name: 'Stop sequence 1', exact: true }).fill('said');
    await send(page, 'Hello');
    await expect(replies(page).last()).toContainText(/stop sequence.*“said”/);
  });
});
