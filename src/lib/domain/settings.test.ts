import { describe, expect, it } from 'vitest';
import {
  apiVersionProblem,
  chatCompletionsUrl,
  keyProblem,
  maskKey,
  normalizeAzureEndpoint,
  normalizeBaseUrl,
  passphraseProblem,
} from './settings';

describe('keyProblem', () => {
  it('requires a key', () => {
    expect(keyProblem('')).toBe('required');
    expect(keyProblem('  \n ')).toBe('required');
  });

  it('refuses spaces and line breaks inside the key, but not around it', () => {
    expect(keyProblem('sk-abc def')).toBe('spaces');
    expect(keyProblem('sk-abc\ndef')).toBe('spaces');
    expect(keyProblem('  sk-abcdef\n')).toBeNull();
    expect(keyProblem('sk-proj-abc_DEF-123')).toBeNull();
  });
});

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1'],
    ['https://api.openai.com/v1/', 'https://api.openai.com/v1'],
    ['https://api.openai.com/v1///', 'https://api.openai.com/v1'],
    ['  https://api.openai.com/v1  ', 'https://api.openai.com/v1'],
    ['https://example.com', 'https://example.com'],
    ['http://localhost:11434/v1', 'http://localhost:11434/v1'],
    ['http://127.0.0.1:8080/v1/', 'http://127.0.0.1:8080/v1'],
    ['HTTPS://API.Example.COM/v1', 'https://api.example.com/v1'],
    ['http://LOCALHOST:1234', 'http://localhost:1234'],
    ['http://localhost/v1', 'http://localhost/v1'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    '',
    'api.openai.com/v1',
    'localhost:11434/v1',
    'ftp://example.com/v1',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'file:///etc/passwd',
    'ws://example.com/v1',
    'https://user:secret@example.com/v1',
    'https://user@example.com/v1',
    'https://example.com/v1?key=sk-123',
    'https://example.com/v1#frag',
    'not a url',
    // Plain http only to this computer, as the Content-Security-Policy allows.
    'http://api.example.com/v1',
    'http://192.168.1.20:8080/v1',
    'http://localhost.example.com/v1',
    'http://[::1]:8080/v1',
  ])('rejects %j', (input) => {
    expect(normalizeBaseUrl(input)).toBeNull();
  });

  it.each(['https://example.com/v1?', 'https://example.com/v1#'])(
    'never returns a URL ending in an empty query or fragment (%j)',
    (input) => {
      expect(normalizeBaseUrl(input) ?? '').not.toMatch(/[?#]/);
    },
  );
});

describe('maskKey', () => {
  const keys = [
    'sk-test-parley-0123456789',
    `sk-proj-${'A1b2C3d4'.repeat(20)}WXYZ`,
    `sk-${'q'.repeat(45)}9876`,
    'sk-short',
    'sk-proj-1234',
    'sk-1234567890',
    'abcdefghijklmnopqrstuvwxyz',
    'abc',
    '',
  ];

  it.each(keys)('reveals no more than the sk- prefix and the last 4 characters of %j', (key) => {
    const masked = maskKey(key);
    const [shownPrefix = '', shownEnd = ''] = masked.split('…');
    expect(masked).toContain('…');
    expect(['', 'sk-', 'sk-proj-']).toContain(shownPrefix);
    expect(key.startsWith(shownPrefix)).toBe(true);
    expect(shownEnd.length).toBeLessThanOrEqual(4);
    expect(key.endsWith(shownEnd)).toBe(true);
    // Never the secret middle.
    const middle = key.slice(shownPrefix.length, key.length - shownEnd.length);
    if (middle.length > 0) expect(masked).not.toContain(middle);
  });

  it('shows the prefix and the last 4 of a real-length key', () => {
    expect(maskKey('sk-test-parley-0123456789')).toBe('sk-…6789');
    expect(maskKey(`sk-proj-${'x'.repeat(100)}WXYZ`)).toBe('sk-proj-…WXYZ');
  });

  it('shows no ending at all for a key of 12 characters or fewer', () => {
    expect(maskKey('sk-123456789')).toBe('sk-…');
    expect(maskKey('shortkey')).toBe('…');
  });
});

describe('passphraseProblem', () => {
  it('requires one of at least 8 characters, typed the same twice', () => {
    expect(passphraseProblem('', '')).toBe('required');
    expect(passphraseProblem('1234567', '1234567')).toBe('short');
    // Characters, not UTF-16 units: four emoji are four characters.
    expect(passphraseProblem('🔒🔒🔒🔒', '🔒🔒🔒🔒')).toBe('short');
    expect(passphraseProblem('12345678', '12345679')).toBe('mismatch');
    expect(passphraseProblem('12345678', '')).toBe('mismatch');
    expect(passphraseProblem('12345678', '12345678')).toBeNull();
    expect(passphraseProblem('密码密码密码密码', '密码密码密码密码')).toBeNull();
  });
});

describe('apiVersionProblem', () => {
  it.each(['2024-10-21', '2025-04-01-preview', ' 2024-02-01 ', '2023-05-15'])(
    'accepts the dated version %j',
    (version) => {
      expect(apiVersionProblem(version)).toBeNull();
    },
  );

  it('requires a version', () => {
    expect(apiVersionProblem('')).toBe('required');
    expect(apiVersionProblem('  ')).toBe('required');
  });

  it.each(['v1', 'preview', 'latest', '2024-10-21-beta', '2024-13-01', '2024-10-32', '20241021'])(
    'refuses %j (undated versions belong to the v1 API at another path)',
    (version) => {
      expect(apiVersionProblem(version)).toBe('format');
    },
  );
});

describe('normalizeAzureEndpoint', () => {
  it.each([
    ['https://my-resource.openai.azure.com', 'https://my-resource.openai.azure.com'],
    ['https://my-resource.openai.azure.com/', 'https://my-resource.openai.azure.com'],
    ['https://my-resource.openai.azure.com/openai/', 'https://my-resource.openai.azure.com'],
    ['https://r.cognitiveservices.azure.com/OpenAI', 'https://r.cognitiveservices.azure.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeAzureEndpoint(input)).toBe(expected);
  });

  it('refuses what normalizeBaseUrl refuses', () => {
    expect(normalizeAzureEndpoint('my-resource.openai.azure.com')).toBeNull();
    expect(normalizeAzureEndpoint('http://my-resource.openai.azure.com')).toBeNull();
  });
});

describe('chatCompletionsUrl', () => {
  it('is /chat/completions under the Base URL for OpenAI and compatible servers', () => {
    const settings = { baseUrl: 'http://localhost:11434/v1', provider: 'openai' as const };
    expect(chatCompletionsUrl({ ...settings, azureApiVersion: '2024-10-21' }, 'llama3')).toBe(
      'http://localhost:11434/v1/chat/completions',
    );
  });

  it('is the deployment’s URL with the api-version for Azure', () => {
    const settings = {
      baseUrl: 'https://r.openai.azure.com',
      provider: 'azure' as const,
      azureApiVersion: '2024-10-21',
    };
    expect(chatCompletionsUrl(settings, 'prod-4o')).toBe(
      'https://r.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21',
    );
  });
});
