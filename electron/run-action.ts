/**
 * What the application menu and the tray share: running an action of
 * menu-actions.ts with Electron's dialogs (a failure is shown in an error box,
 * never thrown out of a click), and the Pause Company / Resume Company item,
 * whose label says what a click will do.
 */
import { dialog, type MenuItemConstructorOptions } from 'electron';
import type { Handlers } from '../core/api/contract.js';
import { togglePause, type DialogLike, type MenuActionDeps } from './menu-actions.js';

/** Turns an action into a click handler. */
export type RunAction = (action: (deps: MenuActionDeps) => Promise<unknown>) => () => void;

export const PAUSE_LABEL = 'Pause Company';
export const RESUME_LABEL = 'Resume Company';

export function actionRunner(handlers: Handlers): RunAction {
  const deps: MenuActionDeps = { handlers, dialog: dialog as unknown as DialogLike, today: () => new Date().toISOString().slice(0, 10) };
  return (action) => () => {
    void action(deps).catch((err: unknown) => dialog.showErrorBox('Something went wrong', err instanceof Error ? err.message : String(err)));
  };
}

/** Pause Company / Resume Company: flips the company's state (`reason` says where it was paused from) and reports the new one. */
export function pauseItem(run: RunAction, paused: boolean, reason: string, onChange: (paused: boolean) => void): MenuItemConstructorOptions {
  return {
    id: 'pause',
    label: paused ? RESUME_LABEL : PAUSE_LABEL,
    click: run(async (d) => {
      const now = await togglePause(d, reason);
      if (now !== null) onChange(now);
    }),
  };
}
