import { describe, expect, it } from 'vitest';
import { ProblemsState } from './problems.svelte';

describe('ProblemsState', () => {
  it('starts with no problem', () => {
    expect(new ProblemsState().current).toBeNull();
  });

  it.each(['quota', 'blocked', 'unavailable'] as const)(
    'keeps a storage error of kind %s',
    (kind) => {
      const problems = new ProblemsState();
      problems.report(Object.assign(new Error(`${kind} happened`), { kind }));
      expect(problems.current).toEqual({ kind, detail: `${kind} happened` });
    },
  );

  it('anything else is unknown, with a readable detail', () => {
    const problems = new ProblemsState();
    // `report` is handed around as a callback (`.catch(problems.report)`), so it must be bound.
    const { report } = problems;
    report(new Error('boom'));
    expect(problems.current).toEqual({ kind: 'unknown', detail: 'boom' });
    report('plain string');
    expect(problems.current).toEqual({ kind: 'unknown', detail: 'plain string' });
    report(null);
    expect(problems.current).toEqual({ kind: 'unknown', detail: 'null' });
    report({ kind: 'auth' });
    expect(problems.current?.kind).toBe('unknown');
  });

  it('dismiss clears the problem', () => {
    const problems = new ProblemsState();
    problems.report(new Error('x'));
    problems.dismiss();
    expect(problems.current).toBeNull();
  });

  it('attempt reports a failed action instead of throwing, and leaves a good one alone', async () => {
    const problems = new ProblemsState();
    await problems.attempt(() => Promise.resolve('fine'));
    expect(problems.current).toBeNull();
    await expect(
      problems.attempt(() => Promise.reject(new Error('disk full'))),
    ).resolves.toBeUndefined();
    expect(problems.current).toEqual({ kind: 'unknown', detail: 'disk full' });
  });
});
