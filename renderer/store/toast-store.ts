import { create } from 'zustand';

export interface Toast {
  id: number;
  tone: 'error' | 'success' | 'info';
  title: string;
  message: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
}

let nextId = 1;
const LIFETIME_MS = { error: 8000, success: 4000, info: 5000 } as const;

export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(t) {
    const id = nextId++;
    // The same message twice in a row (a poll failing repeatedly) shows once.
    const dup = get().toasts.find((x) => x.title === t.title && x.message === t.message);
    if (dup) return;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { ...t, id }] }));
    setTimeout(() => get().dismiss(id), LIFETIME_MS[t.tone]);
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
  },
}));

export function toastError(title: string, message: string): void {
  useToasts.getState().push({ tone: 'error', title, message });
}

export function toastSuccess(title: string, message = ''): void {
  useToasts.getState().push({ tone: 'success', title, message });
}
