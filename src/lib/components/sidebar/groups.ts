/**
 * The sidebar's rows: conversations grouped by recent activity, as ChatGPT does (Pinned, Today,
 * Yesterday, Previous 7 days, Previous 30 days, then one group per month), flattened into one
 * list with fixed row heights so the windowed list can place any row without measuring it.
 *
 * Days are calendar days in the person's time zone, not 24-hour spans: a chat from 23:50 is
 * "Yesterday" at 00:10. Pure: `now` and the month names come in as arguments.
 */
import type { Conversation } from '../../domain/types';

export type GroupKey = 'pinned' | 'today' | 'yesterday' | 'previous7' | 'previous30' | 'month';

export interface SidebarRow {
  conversation: Conversation;
  /** Set on the first row of each group: the group's heading is drawn above that row. */
  heading: { key: GroupKey; month?: { year: number; month: number } } | null;
  /** Pixels from the top of the list, and this row's height (heading included). */
  top: number;
  height: number;
}

export interface RowMetrics {
  row: number;
  heading: number;
}

const DAY_MS = 86_400_000;

/** Local midnight of the day `time` falls in. */
function startOfDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole calendar days from `time` to `now` (0: today), robust to daylight-saving days. */
function daysAgo(time: number, now: number): number {
  return Math.round((startOfDay(now) - startOfDay(time)) / DAY_MS);
}

function groupOf(conversation: Conversation, now: number): NonNullable<SidebarRow['heading']> {
  if (conversation.isPinned) return { key: 'pinned' };
  const days = daysAgo(conversation.updatedAt, now);
  if (days <= 0) return { key: 'today' };
  if (days === 1) return { key: 'yesterday' };
  if (days <= 7) return { key: 'previous7' };
  if (days <= 30) return { key: 'previous30' };
  const date = new Date(conversation.updatedAt);
  return { key: 'month', month: { year: date.getFullYear(), month: date.getMonth() } };
}

function sameGroup(a: SidebarRow['heading'], b: SidebarRow['heading']): boolean {
  return (
    a !== null &&
    b !== null &&
    a.key === b.key &&
    a.month?.year === b.month?.year &&
    a.month?.month === b.month?.month
  );
}

/**
 * Rows for `conversations` (most recent activity first, as ConversationsState lists them):
 * pinned ones first, in the same order, then the rest by group.
 */
export function sidebarRows(
  conversations: readonly Conversation[],
  now: number,
  metrics: RowMetrics,
): SidebarRow[] {
  const pinned = conversations.filter((c) => c.isPinned);
  const rest = conversations.filter((c) => !c.isPinned);
  const rows: SidebarRow[] = [];
  let top = 0;
  let previous: SidebarRow['heading'] = null;
  for (const conversation of [...pinned, ...rest]) {
    const group = groupOf(conversation, now);
    const isFirst = !sameGroup(group, previous);
    previous = group;
    const height = metrics.row + (isFirst ? metrics.heading : 0);
    rows.push({ conversation, heading: isFirst ? group : null, top, height });
    top += height;
  }
  return rows;
}

/** The index of the row at `offset` pixels from the top (rows sorted by `top`). */
export function rowAt(rows: readonly SidebarRow[], offset: number): number {
  let low = 0;
  let high = rows.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((rows[middle]?.top ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Milliseconds until the next local midnight, when "Today" becomes "Yesterday". */
export function untilMidnight(now: number): number {
  const next = new Date(now);
  next.setHours(24, 0, 0, 0);
  return next.getTime() - now;
}
