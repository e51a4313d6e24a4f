/**
 * One conversation as a Markdown file a person can read in any notes app (Obsidian, Bear,
 * GitHub, a text editor): the title, the system prompt, then each message of the branch with its
 * role, model and time. Pure and deterministic: times are written in UTC, so the same
 * conversation always gives the same file. The words are passed in (`labels`) so the file
 * speaks the person's language; English when none are given.
 */
import type { Conversation, Message, Role } from './types';

export interface MarkdownLabels {
  roles: Record<Role, string>;
  systemPrompt: string;
  reasoning: string;
  untitled: string;
  /** `{date}` is replaced by the conversation's creation time. */
  created: string;
}

export const ENGLISH_MARKDOWN_LABELS: MarkdownLabels = {
  roles: { system: 'System', user: 'User', assistant: 'Assistant' },
  systemPrompt: 'System prompt',
  reasoning: 'Reasoning',
  untitled: 'Untitled conversation',
  created: 'Created {date}',
};

/** `2024-05-01 10:00 UTC`: readable, sortable and the same wherever the file is made. */
function time(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Quotes text as a Markdown block quote, line by line (an empty line stays inside the quote). */
function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** A heading line cannot hold a line break; `#` at the start would change its level. */
function headingText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function conversationMarkdown(
  conversation: Conversation,
  branch: readonly Message[],
  labels: MarkdownLabels = ENGLISH_MARKDOWN_LABELS,
): string {
  const title = headingText(conversation.title) || labels.untitled;
  const parts: string[] = [`# ${title}`];
  const meta = [labels.created.replace('{date}', time(conversation.createdAt))];
  if (conversation.params.model !== '') meta.push(conversation.params.model);
  parts.push(`_${meta.join(' · ')}_`);
  if (conversation.systemPrompt.trim() !== '') {
    parts.push(`## ${labels.systemPrompt}`, quote(conversation.systemPrompt.trim()));
  }
  for (const message of branch) {
    const heading = [labels.roles[message.role]];
    if (message.model) heading.push(message.model);
    heading.push(time(message.createdAt));
    parts.push('---', `### ${heading.filter((part) => part !== '').join(' · ')}`);
    if (message.reasoning && message.reasoning.trim() !== '') {
      parts.push(`**${labels.reasoning}**`, quote(message.reasoning.trim()));
    }
    parts.push(message.content);
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * A file name for the conversation: date, title and a short id (two chats may share a title),
 * with characters no file system accepts replaced.
 */
export function markdownFileName(conversation: Conversation): string {
  const date = Number.isFinite(conversation.createdAt)
    ? new Date(conversation.createdAt).toISOString().slice(0, 10)
    : 'undated';
  const title =
    Array.from(headingText(conversation.title).replace(/[\\/:*?"<>|]/g, '-'))
      // Control characters are refused by Windows and confuse every other system.
      .filter((char) => char >= ' ' && char !== '\u007f')
      .slice(0, 80)
      .join('')
      .replace(/^[.\s]+|[.\s]+$/g, '') || 'conversation';
  const shortId = conversation.id.replace(/[^A-Za-z0-9]/g, '').slice(-8);
  return `${date} ${title} (${shortId}).md`;
}
