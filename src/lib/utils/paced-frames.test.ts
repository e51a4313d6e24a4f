import { describe, expect, it } from 'vitest';
import { pacedFrames, SHOWING_INTERVAL_MS, type RequestFrame } from './paced-frames';

/** Animation frames driven by hand: `frame(time)` runs what was requested before it. */
function fakeFrames() {
  let requested: ((time: number) => void)[] = [];
  const requestFrame: RequestFrame = (callback) => {
    requested.push(callback);
  };
  return {
    requestFrame,
    frame(time: number) {
      const due = requested;
      requested = [];
      for (const callback of due) callback(time);
    },
    get pending() {
      return requested.length;
    },
  };
}

describe('pacedFrames', () => {
  it('runs a callback at the next frame when nothing ran lately', () => {
    const frames = fakeFrames();
    const schedule = pacedFrames(frames.requestFrame);
    const runs: number[] = [];
    schedule(() => runs.push(1));
    expect(runs).toEqual([]);
    frames.frame(1000);
    expect(runs).toEqual([1]);
    expect(frames.pending).toBe(0);
  });

  it('shows at most every other frame at 60 Hz, however often it is asked', () => {
    const frames = fakeFrames();
    const schedule = pacedFrames(frames.requestFrame);
    let now = 0;
    const runs: number[] = [];
    for (let i = 0; i < 12; i++) {
      now = 1000 + i * (1000 / 60);
      schedule(() => runs.push(now));
      frames.frame(now);
    }
    // Twelve requests over twelve frames: six frames ran them, 33 ms apart; the last one waits
    // for the next frame.
    const shownAt = [...new Set(runs)];
    expect(runs).toHaveLength(11);
    expect(shownAt).toHaveLength(6);
    expect(frames.pending).toBe(1);
    for (let i = 1; i < shownAt.length; i++) {
      expect((shownAt[i] ?? 0) - (shownAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(SHOWING_INTERVAL_MS);
    }
  });

  it('runs everything queued meanwhile together, once, in the same frame', () => {
    const frames = fakeFrames();
    const schedule = pacedFrames(frames.requestFrame, 30);
    const runs: string[] = [];
    schedule(() => runs.push('a'));
    frames.frame(0);
    schedule(() => runs.push('b'));
    schedule(() => runs.push('c'));
    frames.frame(10);
    expect(runs).toEqual(['a']);
    frames.frame(20);
    expect(runs).toEqual(['a']);
    frames.frame(30);
    expect(runs).toEqual(['a', 'b', 'c']);
    frames.frame(60);
    expect(runs).toEqual(['a', 'b', 'c']);
    expect(frames.pending).toBe(0);
  });

  it('keeps showing after a quiet spell at once, without waiting', () => {
    const frames = fakeFrames();
    const schedule = pacedFrames(frames.requestFrame, 30);
    const runs: number[] = [];
    schedule(() => runs.push(0));
    frames.frame(0);
    schedule(() => runs.push(500));
    frames.frame(500);
    expect(runs).toEqual([0, 500]);
  });
});
