/**
 * Whether the parameters panel is open. On wide screens it sits beside the chat and the choice is
 * remembered (localStorage: a view preference, not data, so it is neither synced nor exported);
 * under NARROW_PX it is a sheet over the chat, closed by default and on every change of screen,
 * so a phone always opens on the conversation.
 */
export const NARROW_PX = 760;
const KEY = 'parley:params-panel';

export interface PanelEnvironment {
  /** Reads and writes the remembered choice; absent where storage is refused. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  /** Whether the screen is under NARROW_PX now, and a way to hear when that changes. */
  narrow?: { matches: boolean; onChange: (listener: (matches: boolean) => void) => void };
}

function browserEnvironment(): PanelEnvironment {
  if (typeof window === 'undefined') return {};
  let storage: Storage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined; // Storage refused (some private modes): the choice is not remembered.
  }
  const query = window.matchMedia(`(max-width: ${NARROW_PX - 0.02}px)`);
  return {
    storage,
    narrow: {
      matches: query.matches,
      onChange: (listener) => query.addEventListener('change', (event) => listener(event.matches)),
    },
  };
}

export class PanelState {
  #isNarrow = $state(false);
  #isOpenWide = $state(true);
  #isOpenNarrow = $state(false);
  readonly #storage: PanelEnvironment['storage'];

  constructor(environment: PanelEnvironment = browserEnvironment()) {
    this.#storage = environment.storage;
    this.#isNarrow = environment.narrow?.matches ?? false;
    this.#isOpenWide = this.#read() !== 'closed';
    environment.narrow?.onChange((matches) => {
      this.#isNarrow = matches;
      this.#isOpenNarrow = false;
    });
  }

  get isNarrow(): boolean {
    return this.#isNarrow;
  }

  get isOpen(): boolean {
    return this.#isNarrow ? this.#isOpenNarrow : this.#isOpenWide;
  }

  set isOpen(value: boolean) {
    if (this.#isNarrow) {
      this.#isOpenNarrow = value;
      return;
    }
    this.#isOpenWide = value;
    try {
      this.#storage?.setItem(KEY, value ? 'open' : 'closed');
    } catch {
      // Not remembered, still applied.
    }
  }

  toggle(): void {
    this.isOpen = !this.isOpen;
  }

  #read(): string | null {
    try {
      return this.#storage?.getItem(KEY) ?? null;
    } catch {
      return null;
    }
  }
}
