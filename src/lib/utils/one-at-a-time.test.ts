import { describe, expect, it } from 'vitest';
import { OneAtATime } from './one-at-a-time';

describe('OneAtATime', () => {
  it('starts a task for a key only after the one before it settled, failed or not', async () => {
    const queue = new OneAtATime();
    const order: string[] = [];
    let release = (): void => undefined;
    const first = queue.run('a', async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first ends');
      throw new Error('first failed');
    });
    const second = queue.run('a', () => {
      order.push('second starts');
      return Promise.resolve(2);
    });
    const other = queue.run('b', () => {
      order.push('other key starts');
      return Promise.resolve(3);
    });
    await other;
    expect(order).toEqual(['first starts', 'other key starts']);
    release();
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe(2);
    expect(order).toEqual(['first starts', 'other key starts', 'first ends', 'second starts']);
  });
});
