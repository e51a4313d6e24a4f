/**
 * Clients that keep a conversation as a tree of messages with parent links: LibreChat (its JSON
 * export, either nested `messagesTree` with `children`, or flat `messages` with
 * `parentMessageId`) and Open WebUI (its chat export: an array of chats, each with
 * `chat.history.messages` keyed by id, `parentId` links and `currentId`).
 */
import type { Message, MessageNote } from '../../domain/types';
import {
  anyTime,
  array,
  contentText,
  conversation,
  digest,
  fromSeconds,
  message,
  nonEmpty,
  object,
  own,
  role,
  text,
  type Json,
} from '../read-json';
import type { ImportedConversation, ImportNotes } from '../types';

/** LibreChat's parent id of a first message. */
const LIBRECHAT_ROOT = '00000000-0000-0000-0000-000000000000';

export function isLibreChatExport(document: Json): boolean {
  return (
    typeof own(document, 'conversationId') === 'string' &&
    (Array.isArray(own(document, 'messagesTree')) || Array.isArray(own(document, 'messages')))
  );
}

export function convertLibreChat(
  document: Json,
  notes: ImportNotes,
  fileTime: number,
): ImportedConversation[] {
  const sourceId =
    nonEmpty(own(document, 'conversationId')) ?? digest(JSON.stringify(own(document, 'title')));
  const id = `librechat-${sourceId}`;
  const flat: Json[] = [];
  const tree = own(document, 'messagesTree');
  if (Array.isArray(tree)) {
    // Iterative: a long conversation nests one level per message.
    const stack: unknown[] = (tree as unknown[]).slice().reverse();
    while (stack.length > 0) {
      const node = object(stack.pop());
      if (!node) continue;
      flat.push(node);
      stack.push(...[...array(own(node, 'children'))].reverse());
    }
  } else {
    for (const entry of array(own(document, 'messages'))) {
      const node = object(entry);
      if (node) flat.push(node);
    }
  }
  const options = object(own(document, 'options'));
  let model = nonEmpty(own(options, 'model'));
  const messages: Message[] = [];
  flat.forEach((node, index) => {
    const messageId = nonEmpty(own(node, 'messageId'));
    if (!messageId) {
      notes.unreadable += 1;
      return;
    }
    const parent = nonEmpty(own(node, 'parentMessageId'));
    const isUser = own(node, 'isCreatedByUser') === true;
    const turnNotes: MessageNote[] = [];
    let body = text(own(node, 'text')) ?? '';
    if (body === '') {
      // Agents and newer endpoints keep the text in `content` parts ({ type, text: { value } }).
      body = array(own(node, 'content'))
        .map((part) => {
          const entry = object(part);
          if (own(entry, 'type') !== 'text') return '';
          const value = own(entry, 'text');
          return text(value) ?? text(own(object(value), 'value')) ?? '';
        })
        .filter((part) => part !== '')
        .join('\n\n');
    }
    for (const file of array(own(node, 'files'))) {
      const entry = object(file);
      const isImage = (text(own(entry, 'type')) ?? '').startsWith('image/');
      if (isImage) notes.images += 1;
      else notes.files += 1;
      turnNotes.push({
        kind: 'attachment',
        label: isImage ? 'image' : 'file',
        text: nonEmpty(own(entry, 'filename')) ?? nonEmpty(own(entry, 'file_id')) ?? 'file',
      });
    }
    const createdAt = anyTime(own(node, 'createdAt')) ?? fileTime + index;
    const messageModel = nonEmpty(own(node, 'model'));
    if (!isUser && messageModel) model = model ?? messageModel;
    const record = message({
      id: `${id}/${messageId}`,
      conversationId: id,
      parentId: parent && parent !== LIBRECHAT_ROOT ? `${id}/${parent}` : null,
      role: isUser ? 'user' : 'assistant',
      content: body,
      createdAt,
      updatedAt: anyTime(own(node, 'updatedAt')) ?? createdAt,
      ...(messageModel ? { model: messageModel } : {}),
    });
    if (turnNotes.length > 0) record.notes = turnNotes;
    if (own(node, 'error') === true) record.status = 'error';
    messages.push(record);
  });
  const times = messages.map((item) => item.createdAt);
  const createdAt = times.length > 0 ? Math.min(...times) : fileTime;
  const updatedAt = times.length > 0 ? Math.max(...times) : fileTime;
  return [
    conversation(
      {
        id,
        title: text(own(document, 'title')) ?? '',
        systemPrompt: text(own(options, 'promptPrefix')) ?? '',
        createdAt,
        updatedAt,
        ...(model ? { model } : {}),
      },
      messages,
    ),
  ];
}

/** An element of Open WebUI's chat export. */
export function isOpenWebUiChat(value: unknown): boolean {
  const record = object(value);
  const chat = object(own(record, 'chat'));
  return (
    chat !== undefined &&
    (object(own(chat, 'history')) !== undefined || Array.isArray(own(chat, 'messages')))
  );
}

export function convertOpenWebUi(value: unknown, notes: ImportNotes): ImportedConversation[] {
  const record = object(value);
  const chat = object(own(record, 'chat'));
  if (!record || !chat) {
    notes.unreadable += 1;
    return [];
  }
  const title = text(own(record, 'title')) ?? text(own(chat, 'title')) ?? '';
  const createdAt = fromSeconds(own(record, 'created_at')) ?? anyTime(own(chat, 'timestamp')) ?? 0;
  const updatedAt = fromSeconds(own(record, 'updated_at')) ?? createdAt;
  const sourceId =
    nonEmpty(own(record, 'id')) ??
    nonEmpty(own(chat, 'id')) ??
    digest(`${title}\n${String(createdAt)}`);
  const id = `open-webui-${sourceId}`;
  const history = object(own(chat, 'history'));
  const keyed = object(own(history, 'messages'));
  const entries: unknown[] = keyed
    ? Object.keys(keyed).map((key) => keyed[key])
    : array(own(chat, 'messages'));
  const messages: Message[] = [];
  let model = nonEmpty(array(own(chat, 'models'))[0]);
  entries.forEach((entry, index) => {
    const item = object(entry);
    const messageId = nonEmpty(own(item, 'id'));
    const messageRole = role(own(item, 'role'));
    if (!item || !messageId || !messageRole) {
      notes.unreadable += 1;
      return;
    }
    const turnNotes: MessageNote[] = [];
    const content = contentText(own(item, 'content'), (name) => {
      notes.images += 1;
      turnNotes.push({ kind: 'attachment', label: 'image', text: name });
    });
    for (const file of array(own(item, 'files'))) {
      const entryFile = object(file);
      const isImage = own(entryFile, 'type') === 'image';
      if (isImage) notes.images += 1;
      else notes.files += 1;
      turnNotes.push({
        kind: 'attachment',
        label: isImage ? 'image' : 'file',
        text:
          nonEmpty(own(entryFile, 'name')) ??
          nonEmpty(own(object(own(entryFile, 'file')), 'filename')) ??
          (isImage ? 'image' : 'file'),
      });
    }
    const time = fromSeconds(own(item, 'timestamp')) ?? createdAt + index;
    const messageModel = nonEmpty(own(item, 'model'));
    if (messageRole === 'assistant' && messageModel) model = model ?? messageModel;
    const parent = nonEmpty(own(item, 'parentId'));
    const record = message({
      id: `${id}/${messageId}`,
      conversationId: id,
      parentId: parent ? `${id}/${parent}` : null,
      role: messageRole,
      content,
      createdAt: time,
      ...(messageModel ? { model: messageModel } : {}),
    });
    if (turnNotes.length > 0) record.notes = turnNotes;
    messages.push(record);
  });
  const params = object(own(chat, 'params'));
  const system = text(own(params, 'system')) ?? text(own(chat, 'system')) ?? '';
  const current = nonEmpty(own(history, 'currentId'));
  return [
    conversation(
      {
        id,
        title,
        systemPrompt: system,
        createdAt,
        updatedAt,
        currentLeafId: current ? `${id}/${current}` : null,
        ...(model ? { model } : {}),
      },
      messages,
    ),
  ];
}
