/**
 * Storage problems the page must show instead of crashing: a full disk, a blocked upgrade,
 * private mode. Kept as state so any action can report and the shell shows one alert.
 */
export type ProblemKind = 'quota' | 'blocked' | 'unavailable' | 'unknown';

export interface Problem {
  kind: ProblemKind;
  detail: string;
}

function kindOf(error: unknown): ProblemKind {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return kind === 'quota' || kind === 'blocked' || kind === 'unavailable' ? kind : 'unknown';
}

export class ProblemsState {
  #current = $state.raw<Problem | null>(null);

  get current(): Problem | null {
    return this.#current;
  }

  readonly report = (error: unknown): void => {
    const detail = error instanceof Error ? error.message : String(error);
    this.#current = { kind: kindOf(error), detail };
  };

  /** Runs an action whose failure (storage full, blocked) should be shown, not thrown. */
  readonly attempt = async (action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      this.report(error);
    }
  };

  dismiss(): void {
    this.#current = null;
  }
}
