import { describe, expect, it } from 'vitest';
import type { Message } from '../domain/types';
import { message } from '../storage/test-fixtures';
import { leafFor } from './branch';

function m(id: string, parentId: string | null, createdAt: number): Message {
  return message({ id, parentId, createdAt, updatedAt: createdAt });
}

// a ─ b ─ c ─ d        (the first answer)
//       └ c2 ─ d2      (b regenerated later: the newer branch)
//              └ d3    (an older sibling of d2... created after it)
const tree = [
  m('a', null, 1),
  m('b', 'a', 2),
  m('c', 'b', 3),
  m('d', 'c', 4),
  m('c2', 'b', 5),
  m('d2', 'c2', 6),
  m('d3', 'c2', 7),
];

describe('leafFor', () => {
  it('keeps the branch shown when it already holds the message', () => {
    expect(leafFor(tree, 'b', 'd')).toBe('d');
    expect(leafFor(tree, 'a', 'd3')).toBe('d3');
  });

  it('moves to the newest leaf under the message otherwise', () => {
    expect(leafFor(tree, 'c2', 'd')).toBe('d3');
    expect(leafFor(tree, 'c', 'd3')).toBe('d');
  });

  it('shows a leaf as itself', () => {
    expect(leafFor(tree, 'd2', 'd')).toBe('d2');
  });

  it('is null for a message that is not there', () => {
    expect(leafFor(tree, 'zz', 'd')).toBeNull();
  });

  it('survives a cycle in stored data', () => {
    const cyclic = [m('x', 'y', 1), m('y', 'x', 2)];
    expect(leafFor(cyclic, 'x', null)).toBe('y');
  });
});
