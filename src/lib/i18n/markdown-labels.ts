/**
 * The words of a Markdown export (a conversation, or every one in a .zip) in the language in
 * force. Loaded with the export code, not with the first screen: its strings arrive after it.
 */
import type { MarkdownLabels } from '../domain/markdown-export';
import { t } from './index.svelte';

export function markdownLabels(): MarkdownLabels {
  return {
    roles: {
      system: t('export.md.system'),
      user: t('export.md.user'),
      assistant: t('export.md.assistant'),
    },
    systemPrompt: t('export.md.systemPrompt'),
    reasoning: t('export.md.reasoning'),
    untitled: t('export.md.untitled'),
    created: t('export.md.created'),
  };
}
