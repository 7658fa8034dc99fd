import type { ReactNode } from 'react';
import { Modal } from './modal.js';

interface Props {
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  /** The button that does it: says what it does ("Cancel mission", "Restore this backup"). */
  confirmLabel: string;
  /** The button that leaves everything as it is. */
  keepLabel?: string;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
}

/**
 * A question before something that cannot be taken back, asked in the app (not window.confirm:
 * that blocks the page, looks foreign in the desktop app and cannot say what will happen in full).
 */
export function ConfirmDialog({ title, children, confirmLabel, keepLabel = 'Keep it', busy = false, onConfirm, onClose }: Props) {
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {keepLabel}
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text">{children}</div>
    </Modal>
  );
}
