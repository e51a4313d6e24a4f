import type { ApiErrorKind } from './types';

/** How many times a failed request is tried again before its failure is shown (api/retry.ts). */
export const MAX_RETRIES = 4;

/** What a request is waiting for, until when (epoch ms), so the page can count down. */
export type Waiting =
  | { kind: 'queue'; until: number }
  | { kind: 'retry'; until: number; attempt: number; error: ApiErrorKind };
