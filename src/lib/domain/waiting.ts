import type { ApiErrorKind } from './types';

/** What a request is waiting for, until when (epoch ms), so the page can count down. */
export type Waiting =
  | { kind: 'queue'; until: number }
  | { kind: 'retry'; until: number; attempt: number; error: ApiErrorKind };
