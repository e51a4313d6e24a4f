/**
 * ChatGPT's data export: `conversations.json` (or, in newer exports, `conversations-000.json`,
 * `conversations-001.json`, … inside the zip), an array of conversations. Each holds its messages
 * as a tree in `mapping` (node id → { message, parent, children }) and names the branch shown
 * last in `current_node`.
 *
 * What a person saw becomes Parley messages, and the rest is handled on purpose:
 * - the empty system message every conversation starts with is dropped;
 * - custom instructions (`user_editable_context`, or a user message flagged
 *   `is_user_system_message`) become the system prompt;
 * - tool calls and tool output (browsing, code, image generation: `recipient` other than `all`,
 *   role `tool`) become notes on the next reply, not turns of their own;
 * - `thoughts` of reasoning models become the reply's reasoning; other hidden messages are left
 *   out and counted;
 * - images and files (asset pointers, `metadata.attachments`) become notes with their names.
 * Dropped nodes pass their place in the tree to their children, so every branch survives.
 */
import type { Message, MessageNote } from '../../domain/types';
import {
  array,
  conversation,
  digest,
  fromSeconds,
  message,
  nonEmpty,
  object,
  own,
  text,
  type Json,
} from '../read-json';
import type { ImportedConversation, ImportNotes } from '../types';

/** Whether a parsed array element looks like a ChatGPT conversation. */
export function isChatGptConversation(value: unknown): boolean {
  const record = object(value);
  return object(own(record, 'mapping')) !== undefined && 'title' in (record ?? {});
}

interface Node {
  id: string;
  parent: string | null;
  message: Json | undefined;
}

/** What one ChatGPT message becomes. */
type Reading =
  | { type: 'turn'; role: 'user' | 'assistant'; content: string; notes: MessageNote[] }
  | { type: 'system-prompt'; content: string }
  | { type: 'note'; note: MessageNote }
  | { type: 'reasoning'; content: string }
  | { type: 'skip'; hidden: boolean };

export function convertChatGpt(value: unknown, notes: ImportNotes): ImportedConversation[] {
  const record = object(value);
  const mapping = object(own(record, 'mapping'));
  if (!record || !mapping) {
    notes.unreadable += 1;
    return [];
  }
  const createdAt = fromSeconds(own(record, 'create_time')) ?? 0;
  const updatedAt = fromSeconds(own(record, 'update_time')) ?? createdAt;
  const title = text(own(record, 'title')) ?? '';
  const sourceId =
    nonEmpty(own(record, 'conversation_id')) ??
    nonEmpty(own(record, 'id')) ??
    digest(`${title}\n${String(createdAt)}`);
  const id = `chatgpt-${sourceId}`;

  const nodes = new Map<string, Node>();
  for (const key of Object.keys(mapping)) {
    const node = object(mapping[key]);
    if (!node) continue;
    const parent = nonEmpty(own(node, 'parent')) ?? null;
    nodes.set(key, { id: key, parent, message: object(own(node, 'message')) });
  }
  const parents = acyclicParents(nodes, notes);
  const children = new Map<string | null, string[]>();
  for (const [nodeId, parent] of parents) {
    const list = children.get(parent) ?? [];
    list.push(nodeId);
    children.set(parent, list);
  }

  let systemPrompt = '';
  let model: string | undefined = nonEmpty(own(record, 'default_model_slug'));
  const messages: Message[] = [];
  /** Node id → the Parley message that stands for it (itself, or its nearest kept ancestor). */
  const keptFor = new Map<string, string | null>();
  const byId = new Map<string, Message>();

  interface Frame {
    nodeId: string;
    keptParent: string | null;
    pendingNotes: MessageNote[];
    pendingReasoning: string;
  }
  const stack: Frame[] = (children.get(null) ?? []).map((nodeId) => ({
    nodeId,
    keptParent: null,
    pendingNotes: [],
    pendingReasoning: '',
  }));
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const node = nodes.get(frame.nodeId);
    const reading = node?.message
      ? read(node.message, notes)
      : ({ type: 'skip', hidden: false } as const);
    let keptParent = frame.keptParent;
    let pendingNotes = frame.pendingNotes;
    let pendingReasoning = frame.pendingReasoning;
    switch (reading.type) {
      case 'turn': {
        const created = fromSeconds(own(node?.message, 'create_time')) ?? createdAt;
        const slug = nonEmpty(own(object(own(node?.message, 'metadata')), 'model_slug'));
        if (slug && reading.role === 'assistant') model = model ?? slug;
        const turn = message({
          id: `${id}/${frame.nodeId}`,
          conversationId: id,
          parentId: keptParent,
          role: reading.role,
          content: reading.content,
          createdAt: created,
          updatedAt: fromSeconds(own(node?.message, 'update_time')) ?? created,
          ...(slug ? { model: slug } : {}),
        });
        const allNotes = [...pendingNotes, ...reading.notes];
        if (allNotes.length > 0) turn.notes = allNotes;
        if (pendingReasoning !== '' && reading.role === 'assistant')
          turn.reasoning = pendingReasoning;
        messages.push(turn);
        byId.set(turn.id, turn);
        keptParent = turn.id;
        pendingNotes = [];
        pendingReasoning = '';
        break;
      }
      case 'system-prompt':
        systemPrompt =
          systemPrompt === '' ? reading.content : `${systemPrompt}\n\n${reading.content}`;
        break;
      case 'note':
        pendingNotes = [...pendingNotes, reading.note];
        break;
      case 'reasoning':
        pendingReasoning =
          pendingReasoning === '' ? reading.content : `${pendingReasoning}\n\n${reading.content}`;
        break;
      case 'skip':
        if (reading.hidden) notes.hidden += 1;
        break;
    }
    keptFor.set(frame.nodeId, keptParent);
    const next = children.get(frame.nodeId) ?? [];
    if (next.length === 0 && pendingNotes.length > 0 && keptParent !== null) {
      // Tool output at the end of a branch, with no reply after it: keep it on the last turn.
      const last = byId.get(keptParent);
      if (last) last.notes = [...(last.notes ?? []), ...pendingNotes];
    }
    for (const child of next) {
      stack.push({ nodeId: child, keptParent, pendingNotes, pendingReasoning });
    }
  }
  const currentNode = nonEmpty(own(record, 'current_node'));
  const currentLeafId = currentNode === undefined ? null : (keptFor.get(currentNode) ?? null);
  return [
    conversation(
      { id, title, systemPrompt, model, createdAt, updatedAt, currentLeafId },
      messages.sort((a, b) => a.createdAt - b.createdAt),
    ),
  ];
}

/**
 * Each node's parent, with links to missing nodes dropped (the node becomes a root) and every
 * cycle broken where it closes. A file's `children` lists are not trusted: `parent` alone is.
 */
function acyclicParents(
  nodes: ReadonlyMap<string, Node>,
  notes: ImportNotes,
): Map<string, string | null> {
  const parents = new Map<string, string | null>();
  for (const node of nodes.values()) {
    const parent =
      node.parent !== null && nodes.has(node.parent) && node.parent !== node.id
        ? node.parent
        : null;
    if (node.parent !== null && parent === null) {
      if (node.parent === node.id) notes.cycles += 1;
      else notes.orphans += 1;
    }
    parents.set(node.id, parent);
  }
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of parents.keys()) {
    const path: string[] = [];
    let current: string | null = start;
    while (current !== null && state.get(current) === undefined) {
      state.set(current, 'walking');
      path.push(current);
      current = parents.get(current) ?? null;
    }
    if (current !== null && state.get(current) === 'walking') {
      // The walk came back to a node of this same walk: cut the link that closed the loop.
      const closing = path[path.length - 1];
      if (closing !== undefined) parents.set(closing, null);
      notes.cycles += 1;
    }
    for (const id of path) state.set(id, 'done');
  }
  return parents;
}

function read(record: Json, notes: ImportNotes): Reading {
  const author = object(own(record, 'author'));
  const authorRole = own(author, 'role');
  const content = object(own(record, 'content'));
  const type = own(content, 'content_type');
  const metadata = object(own(record, 'metadata'));
  const recipient = own(record, 'recipient');

  // Custom instructions: the person's own words (`user_context_message_data`) when present,
  // else ChatGPT's wrapped text of them.
  if (type === 'user_editable_context' || own(metadata, 'is_user_system_message') === true) {
    const context = object(own(metadata, 'user_context_message_data'));
    const ownWords = [own(context, 'about_user_message'), own(context, 'about_model_message')];
    const wrapped =
      type === 'user_editable_context'
        ? [own(content, 'user_profile'), own(content, 'user_instructions')]
        : [partsText(content, notes, [])];
    const pick = (values: unknown[]) =>
      values.map((part) => text(part)?.trim() ?? '').filter((part) => part !== '');
    const words = pick(ownWords);
    const parts = words.length > 0 ? words : pick(wrapped);
    return parts.length > 0
      ? { type: 'system-prompt', content: parts.join('\n\n') }
      : { type: 'skip', hidden: false };
  }
  if (type === 'thoughts') {
    const thoughts = array(own(content, 'thoughts'))
      .map((thought) => {
        const entry = object(thought);
        const summary = text(own(entry, 'summary')) ?? '';
        const body = text(own(entry, 'content')) ?? '';
        return summary !== '' && body !== '' ? `${summary}\n${body}` : summary || body;
      })
      .filter((part) => part !== '');
    return thoughts.length > 0
      ? { type: 'reasoning', content: thoughts.join('\n\n') }
      : { type: 'skip', hidden: true };
  }
  if (type === 'reasoning_recap' || type === 'model_editable_context')
    return { type: 'skip', hidden: true };

  if (
    authorRole === 'tool' ||
    (authorRole === 'assistant' && recipient !== undefined && recipient !== 'all')
  ) {
    const label = nonEmpty(own(author, 'name')) ?? nonEmpty(recipient) ?? 'tool';
    const body = toolText(content, notes).trim();
    if (body === '') return { type: 'skip', hidden: false };
    notes.toolOutputs += 1;
    return { type: 'note', note: { kind: 'tool', label, text: body } };
  }
  if (authorRole === 'system') {
    const body = partsText(content, notes, []).trim();
    if (body === '') return { type: 'skip', hidden: false };
    // A system message a person never saw (ChatGPT's own): left out and counted.
    if (own(metadata, 'is_visually_hidden_from_conversation') === true)
      return { type: 'skip', hidden: true };
    return { type: 'system-prompt', content: body };
  }
  if (authorRole !== 'user' && authorRole !== 'assistant') {
    notes.unreadable += 1;
    return { type: 'skip', hidden: false };
  }
  if (own(metadata, 'is_visually_hidden_from_conversation') === true)
    return { type: 'skip', hidden: true };
  const turnNotes: MessageNote[] = [];
  const body = partsText(content, notes, turnNotes);
  for (const attachment of array(own(metadata, 'attachments'))) {
    const entry = object(attachment);
    const name = nonEmpty(own(entry, 'name')) ?? nonEmpty(own(entry, 'id')) ?? 'file';
    const mime = text(own(entry, 'mime_type')) ?? '';
    const isImage = mime.startsWith('image/');
    // An uploaded image is both an asset pointer in the parts and an attachment: note it once.
    const unnamed = turnNotes.findIndex(
      (note) => note.kind === 'attachment' && note.label === 'image' && note.text === 'image',
    );
    if (isImage && unnamed !== -1) {
      turnNotes[unnamed] = { kind: 'attachment', label: 'image', text: name };
      continue;
    }
    if (isImage) notes.images += 1;
    else notes.files += 1;
    turnNotes.push({ kind: 'attachment', label: isImage ? 'image' : 'file', text: name });
  }
  if (body.trim() === '' && turnNotes.length === 0) return { type: 'skip', hidden: false };
  return { type: 'turn', role: authorRole, content: body, notes: turnNotes };
}

/** The visible text of a message's content; image and audio parts become attachment notes. */
function partsText(
  content: Json | undefined,
  notes: ImportNotes,
  turnNotes: MessageNote[],
): string {
  const type = own(content, 'content_type');
  if (type === 'code' || type === 'execution_output' || type === 'system_error') {
    return text(own(content, 'text')) ?? '';
  }
  const pieces: string[] = [];
  for (const part of array(own(content, 'parts'))) {
    if (typeof part === 'string') {
      pieces.push(part);
      continue;
    }
    const entry = object(part);
    const partType = own(entry, 'content_type');
    if (partType === 'image_asset_pointer') {
      notes.images += 1;
      turnNotes.push({ kind: 'attachment', label: 'image', text: 'image' });
    } else if (partType === 'audio_transcription') {
      pieces.push(text(own(entry, 'text')) ?? '');
    } else if (
      partType === 'audio_asset_pointer' ||
      partType === 'real_time_user_audio_video_asset_pointer'
    ) {
      notes.files += 1;
      turnNotes.push({ kind: 'attachment', label: 'file', text: 'audio' });
    }
  }
  return pieces.filter((piece) => piece !== '').join('\n\n');
}

function toolText(content: Json | undefined, notes: ImportNotes): string {
  const type = own(content, 'content_type');
  if (type === 'tether_quote') {
    return [own(content, 'title'), own(content, 'url'), own(content, 'text')]
      .map((part) => text(part) ?? '')
      .filter((part) => part !== '')
      .join('\n');
  }
  if (type === 'tether_browsing_display') {
    return [own(content, 'result'), own(content, 'summary')]
      .map((part) => text(part) ?? '')
      .filter((part) => part !== '')
      .join('\n');
  }
  return partsText(content, notes, []);
}
