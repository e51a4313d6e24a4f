/**
 * The history as a `.zip` of Markdown files, one per conversation (its current branch). Built
 * file by file with fflate's streaming Zip, yielding to the page between files, so a long history
 * never holds the main thread in one task. (fflate's async `zip` would use workers made from
 * blob: URLs, which the CSP's `worker-src 'self'` refuses.)
 */
import { strToU8, Zip, ZipDeflate } from 'fflate';
import { branchTo, latestLeaf } from '../domain/conversation';
import {
  conversationMarkdown,
  markdownFileName,
  type MarkdownLabels,
} from '../domain/markdown-export';
import type { Conversation, Message } from '../domain/types';

const FILES_PER_SLICE = 20;

export async function markdownZip(
  conversations: readonly (Conversation & { messages: Message[] })[],
  labels?: MarkdownLabels,
): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  const failures: Error[] = [];
  const zip = new Zip((error, data) => {
    if (error) failures.push(error);
    else chunks.push(data);
  });
  const names = new Set<string>();
  for (const [index, conversation] of conversations.entries()) {
    const leaf = conversation.currentLeafId ?? latestLeaf(conversation.messages);
    const text = conversationMarkdown(conversation, branchTo(conversation.messages, leaf), labels);
    const entry = new ZipDeflate(uniqueName(markdownFileName(conversation), names), { level: 6 });
    zip.add(entry);
    entry.push(strToU8(text), true);
    if (index % FILES_PER_SLICE === FILES_PER_SLICE - 1) await yieldToPage();
  }
  zip.end();
  const [failure] = failures;
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n += 1)
    candidate = name.replace(/\.md$/, ` ${String(n)}.md`);
  taken.add(candidate);
  return candidate;
}

function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
