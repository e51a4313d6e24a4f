/**
 * A frame scheduler that runs what it is given at most once every `intervalMs`: at the first
 * animation frame that far from the last run, all callbacks queued meanwhile together (two replies
 * streaming at once are shown in the same frame, so the browser lays out and paints once).
 *
 * What a streaming reply shows goes through one (ReplyStream's `scheduleFrame`): every showing
 * costs a Markdown pass over the open block, a DOM update, and the browser's style, layout and
 * paint of the growing reply. At 30 showings a second text still reads as smooth, for half the
 * main-thread work of showing it at every frame.
 */
export type RequestFrame = (callback: (time: number) => void) => void;

/** Every other frame at 60 Hz (16.7 ms apart), every fourth at 120 Hz. */
export const SHOWING_INTERVAL_MS = 30;

export function pacedFrames(
  requestFrame: RequestFrame,
  intervalMs: number = SHOWING_INTERVAL_MS,
): (callback: () => void) => void {
  let queued: (() => void)[] = [];
  let isRequested = false;
  let lastRun = -Infinity;
  const onFrame = (time: number): void => {
    if (time - lastRun < intervalMs) {
      requestFrame(onFrame);
      return;
    }
    lastRun = time;
    isRequested = false;
    const due = queued;
    queued = [];
    for (const callback of due) callback();
  };
  return (callback) => {
    queued.push(callback);
    if (isRequested) return;
    isRequested = true;
    requestFrame(onFrame);
  };
}

/** The page's animation frames; outside a browser (no requestAnimationFrame), a 16 ms timer. */
export const browserFrames: RequestFrame = (callback) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(callback);
  else setTimeout(() => callback(performance.now()), 16);
};
