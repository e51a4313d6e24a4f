/** The Context choice on stored and imported conversations: kept when readable, else "all". */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../domain/defaults';
import { normalizeConversation } from './normalize';
import { conversation } from './test-fixtures';
import { buildExport, parseExport } from './transfer';

describe('the Context choice in storage', () => {
  it('keeps a stored choice', () => {
    const stored = conversation({ context: { mode: 'last', lastCount: 4 } });
    expect(normalizeConversation(stored).context).toEqual({ mode: 'last', lastCount: 4 });
  });

  it('reads an old record (no choice) as all messages: the field stays absent', () => {
    const old = conversation();
    expect('context' in old).toBe(false);
    expect('context' in normalizeConversation(old)).toBe(false);
  });

  it('drops a choice it cannot read instead of guessing', () => {
    const broken = { ...conversation(), context: { mode: 'everything', lastCount: 3 } };
    expect('context' in normalizeConversation(broken)).toBe(false);
    const badCount = { ...conversation(), context: { mode: 'last', lastCount: '3' } };
    expect(normalizeConversation(badCount).context).toEqual({ mode: 'last', lastCount: 10 });
  });

  it('travels through an export and its import', () => {
    const chosen = conversation({ context: { mode: 'fit', lastCount: 6 } });
    const file = buildExport([chosen], [], [], DEFAULT_SETTINGS, 1_000);
    const imported = parseExport(JSON.stringify(file));
    expect(imported.conversations[0]?.context).toEqual({ mode: 'fit', lastCount: 6 });
  });
});
