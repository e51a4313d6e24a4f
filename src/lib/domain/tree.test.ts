import { describe, expect, it } from 'vitest';
import { branchTo, childrenByParent } from './conversation';
import {
  appendedMessage,
  awaitsReply,
  copyPath,
  editedInPlace,
  editedVersion,
  leafAfterVersionStep,
  newestLeafUnder,
  removeMessage,
  restoreRemoval,
  versionOf,
} from './tree';
import type { Message, Role } from './types';

function message(id: string, parentId: string | null, createdAt: number, role?: Role): Message {
  return {
    id,
    conversationId: 'c1',
    parentId,
    role: role ?? (id.startsWith('u') ? 'user' : 'assistant'),
    content: `text of ${id}`,
    status: 'complete',
    createdAt,
    updatedAt: createdAt,
  };
}

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

function counter(prefix = 'n'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

// Versions at two levels:
// u1 ─ a1 ─ u2 ─ a2
//    │    └ u2b ─ a2b ─ u3b ─ a3b
//    └ a1b
const tree = [
  message('u1', null, 1),
  message('a1', 'u1', 2),
  message('u2', 'a1', 3),
  message('a2', 'u2', 4),
  message('a1b', 'u1', 5),
  message('u2b', 'a1', 6),
  message('a2b', 'u2b', 7),
  message('u3b', 'a2b', 8),
  message('a3b', 'u3b', 9),
];
const byId = (id: string) => {
  const found = tree.find((m) => m.id === id);
  if (!found) throw new Error(id);
  return found;
};

describe('versionOf', () => {
  it('places a message among the children of its parent, oldest first', () => {
    const children = childrenByParent(tree);
    expect(versionOf(children, byId('u2b'))).toMatchObject({ index: 2, count: 2 });
    expect(ids(versionOf(children, byId('u2b')).siblings)).toEqual(['u2', 'u2b']);
    expect(versionOf(children, byId('a1'))).toMatchObject({ index: 1, count: 2 });
    expect(versionOf(children, byId('u1'))).toMatchObject({ index: 1, count: 1 });
  });
});

describe('newestLeafUnder and version steps', () => {
  it('follows the newest child down to a leaf', () => {
    expect(newestLeafUnder(tree, 'u1')).toBe('a1b');
    expect(newestLeafUnder(tree, 'a1')).toBe('a3b');
    expect(newestLeafUnder(tree, 'u2')).toBe('a2');
  });

  it('steps between versions at any level and shows that version’s newest branch', () => {
    expect(leafAfterVersionStep(tree, byId('u2b'), -1)).toBe('a2');
    expect(leafAfterVersionStep(tree, byId('u2'), 1)).toBe('a3b');
    expect(leafAfterVersionStep(tree, byId('a1'), 1)).toBe('a1b');
    expect(leafAfterVersionStep(tree, byId('a1'), -1)).toBeNull();
  });

  it('ends where a cycle closes instead of hanging', () => {
    const cyclic = [message('x', 'y', 1), message('y', 'x', 2)];
    expect(newestLeafUnder(cyclic, 'x')).toBe('y');
    expect(branchTo(cyclic, 'x')).toHaveLength(2);
  });
});

describe('edits', () => {
  it('an edited version is a new sibling with the same parent and role', () => {
    const edited = editedVersion(byId('u2'), 'better question', { newId: () => 'u2c', now: 50 });
    expect(edited).toMatchObject({
      id: 'u2c',
      parentId: 'a1',
      role: 'user',
      content: 'better question',
      createdAt: 50,
    });
    expect(versionOf(childrenByParent([...tree, edited]), edited)).toMatchObject({
      index: 3,
      count: 3,
    });
  });

  it('an edit in place keeps the id and drops what described the old text', () => {
    const failed: Message = {
      ...byId('a2'),
      status: 'error',
      error: { kind: 'server' },
      finishReason: 'length',
      isRefusal: true,
      model: 'gpt-4o',
    };
    const edited = editedInPlace(failed, 'fixed', 60);
    expect(edited).toMatchObject({
      id: 'a2',
      content: 'fixed',
      status: 'complete',
      model: 'gpt-4o',
    });
    expect(edited).not.toHaveProperty('error');
    expect(edited).not.toHaveProperty('finishReason');
    expect(edited).not.toHaveProperty('isRefusal');
  });
});

describe('removeMessage', () => {
  it('attaches the children of the deleted message to its parent, nothing else changes', () => {
    const removal = removeMessage(tree, 'u2b', 'a3b', 70);
    expect(removal?.removed.id).toBe('u2b');
    expect(removal?.reattached.map((m) => [m.id, m.parentId])).toEqual([['a2b', 'a1']]);
    expect(removal?.leafId).toBe('a3b');
    const after = tree
      .filter((m) => m.id !== 'u2b')
      .map((m) => removal?.reattached.find((r) => r.id === m.id) ?? m);
    expect(ids(branchTo(after, 'a3b'))).toEqual(['u1', 'a1', 'a2b', 'u3b', 'a3b']);
  });

  it('deleting the leaf shows the message before it (or its newest other version)', () => {
    expect(removeMessage(tree, 'a3b', 'a3b', 70)?.leafId).toBe('u3b');
    const withVersion = [...tree, message('a3c', 'u3b', 10)];
    expect(removeMessage(withVersion, 'a3c', 'a3c', 70)?.leafId).toBe('a3b');
  });

  it('deleting the only first message leaves an empty conversation', () => {
    const removal = removeMessage([message('u1', null, 1)], 'u1', 'u1', 70);
    expect(removal?.leafId).toBeNull();
    expect(removal?.reattached).toEqual([]);
  });

  it('deleting a root with replies makes the replies roots', () => {
    const removal = removeMessage(tree.slice(0, 4), 'u1', 'a2', 70);
    expect(removal?.reattached.map((m) => [m.id, m.parentId])).toEqual([['a1', null]]);
    expect(removal?.leafId).toBe('a2');
  });

  it('undo puts the message back and the children under it again', () => {
    const removal = removeMessage(tree, 'a1', 'a3b', 70);
    if (!removal) throw new Error('no removal');
    const after = tree
      .filter((m) => m.id !== 'a1')
      .map((m) => removal.reattached.find((r) => r.id === m.id) ?? m);
    const restored = restoreRemoval(after, removal, 80);
    expect(restored.map((m) => [m.id, m.parentId])).toEqual([
      ['a1', 'u1'],
      ['u2', 'a1'],
      ['u2b', 'a1'],
    ]);
  });

  it('answers null for a message that is not there', () => {
    expect(removeMessage(tree, 'nope', null, 1)).toBeNull();
  });
});

describe('appendedMessage, copyPath, awaitsReply', () => {
  it('appends any role at the end of the branch shown', () => {
    const branch = branchTo(tree, 'a2');
    const added = appendedMessage(branch, 'c1', 'system', 'be brief', {
      newId: () => 's1',
      now: 90,
    });
    expect(added).toMatchObject({ parentId: 'a2', role: 'system', content: 'be brief' });
    expect(
      appendedMessage([], 'c1', 'user', 'hi', { newId: () => 'x', now: 1 }).parentId,
    ).toBeNull();
  });

  it('copies the path to a message with new ids, relinked, into another conversation', () => {
    const copies = copyPath(tree, 'u3b', 'c2', counter());
    expect(copies.map((m) => [m.id, m.parentId, m.conversationId])).toEqual([
      ['n1', null, 'c2'],
      ['n2', 'n1', 'c2'],
      ['n3', 'n2', 'c2'],
      ['n4', 'n3', 'c2'],
      ['n5', 'n4', 'c2'],
    ]);
    expect(copies.map((m) => m.content)).toEqual(
      ['u1', 'a1', 'u2b', 'a2b', 'u3b'].map((id) => `text of ${id}`),
    );
  });

  it('a copied reply that was still streaming reads as stopped', () => {
    const streaming = [
      message('u1', null, 1),
      { ...message('a1', 'u1', 2), status: 'streaming' as const },
    ];
    expect(copyPath(streaming, 'a1', 'c2', counter())[1]?.status).toBe('stopped');
  });

  it('a branch ending with a user message awaits a reply', () => {
    expect(awaitsReply(branchTo(tree, 'u3b'))).toBe(true);
    expect(awaitsReply(branchTo(tree, 'a3b'))).toBe(false);
    expect(awaitsReply([])).toBe(false);
  });
});
