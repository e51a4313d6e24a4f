import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../domain/defaults';
import type { Conversation } from '../../domain/types';
import { rowAt, sidebarRows, untilMidnight } from './groups';

const METRICS = { row: 40, heading: 28 };

function at(id: string, updatedAt: Date, isPinned = false): Conversation {
  return {
    id,
    title: id,
    isTitleCustom: false,
    systemPrompt: '',
    params: { ...DEFAULT_PARAMS },
    createdAt: 0,
    updatedAt: updatedAt.getTime(),
    currentLeafId: null,
    presetId: null,
    ...(isPinned ? { isPinned: true as const } : {}),
  };
}

const NOW = new Date(2026, 11, 1, 0, 10).getTime(); // 1 December 2026, 00:10 local time

describe('sidebarRows', () => {
  it('groups by calendar day, then by month, with pinned ones first', () => {
    const list = [
      at('today', new Date(2026, 11, 1, 0, 5)),
      at('late-yesterday', new Date(2026, 10, 30, 23, 50)),
      at('pinned-old', new Date(2026, 10, 29), true),
      at('six-days', new Date(2026, 10, 25)),
      at('twenty-days', new Date(2026, 10, 11)),
      at('october', new Date(2026, 9, 20)),
      at('october-early', new Date(2026, 9, 2)),
      at('last-year', new Date(2025, 9, 20)),
    ];
    const rows = sidebarRows(list, NOW, METRICS);
    expect(rows.map((r) => [r.conversation.id, r.heading?.key ?? null])).toEqual([
      ['pinned-old', 'pinned'],
      ['today', 'today'],
      ['late-yesterday', 'yesterday'],
      ['six-days', 'previous7'],
      ['twenty-days', 'previous30'],
      ['october', 'month'],
      ['october-early', null],
      ['last-year', 'month'],
    ]);
    expect(rows[5]?.heading?.month).toEqual({ year: 2026, month: 9 });
    expect(rows[7]?.heading?.month).toEqual({ year: 2025, month: 9 });
  });

  it('places rows one after another, a heading adding to its row', () => {
    const rows = sidebarRows(
      [at('a', new Date(NOW)), at('b', new Date(NOW)), at('c', new Date(2026, 10, 30))],
      NOW,
      METRICS,
    );
    expect(rows.map((r) => [r.top, r.height])).toEqual([
      [0, 68],
      [68, 40],
      [108, 68],
    ]);
    expect(rowAt(rows, 0)).toBe(0);
    expect(rowAt(rows, 67)).toBe(0);
    expect(rowAt(rows, 68)).toBe(1);
    expect(rowAt(rows, 500)).toBe(2);
  });

  it('handles 2,000 conversations at once', () => {
    const list = Array.from({ length: 2_000 }, (_, i) =>
      at(`c${i}`, new Date(NOW - i * 3_600_000)),
    );
    const rows = sidebarRows(list, NOW, METRICS);
    expect(rows).toHaveLength(2_000);
    const last = rows.at(-1);
    expect(rowAt(rows, (last?.top ?? 0) + 1)).toBe(1_999);
  });
});

describe('untilMidnight', () => {
  it('counts to the next local midnight', () => {
    expect(untilMidnight(new Date(2026, 11, 1, 23, 0).getTime())).toBe(3_600_000);
  });
});
