/**
 * A gate a scripted responder waits at until the test opens it: the test decides when a reply may
 * come (after it has seen the state it is looking for), instead of the responder sleeping long
 * enough on a fast machine. Once open it stays open.
 */
export interface Gate {
  /** Resolves once the gate is open (at once if it already is). */
  pass(): Promise<void>;
  open(): void;
  readonly isOpen: boolean;
}

export function gate(): Gate {
  let opened = false;
  let release: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    pass: () => done,
    open: () => {
      opened = true;
      release();
    },
    get isOpen() {
      return opened;
    },
  };
}
