/**
 * The application menu: File → Export…, Import…, Back up now, Open data
 * folder; Company → Pause company / Resume company, whose label follows the
 * engine's pause state (main calls setPaused on every { type: 'runtime' }
 * stream message). The actions live in menu-actions.ts and go through the
 * contract; this file only lays out the menu.
 */
import { app, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { Handlers } from '../core/api/contract.js';
import { backupNow, exportData, importData, togglePause, type DialogLike, type MenuActionDeps } from './menu-actions.js';

export interface AppMenu {
  /** Rebuilds the menu so the pause item says what it will do. */
  setPaused(paused: boolean): void;
}

export const PAUSE_LABEL = 'Pause Company';
export const RESUME_LABEL = 'Resume Company';

export function installMenu(dataDir: string, handlers: Handlers, initiallyPaused = false): AppMenu {
  const deps: MenuActionDeps = { handlers, dialog: dialog as unknown as DialogLike, today: () => new Date().toISOString().slice(0, 10) };
  const run = (action: (d: MenuActionDeps) => Promise<unknown>) => () => {
    void action(deps).catch((err: unknown) => dialog.showErrorBox('Something went wrong', err instanceof Error ? err.message : String(err)));
  };
  let paused = initiallyPaused;
  const build = (): void => {
    const isMac = process.platform === 'darwin';
    const template: MenuItemConstructorOptions[] = [
      ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
      {
        label: 'File',
        submenu: [
          { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+Shift+E', click: run(exportData) },
          { id: 'import', label: 'Import…', click: run(importData) },
          { id: 'backup', label: 'Back Up Now', click: run(backupNow) },
          { type: 'separator' },
          { id: 'open-data-folder', label: 'Open Data Folder', click: () => void shell.openPath(dataDir) },
          { type: 'separator' },
          isMac ? { role: 'close' } : { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      {
        label: 'Company',
        submenu: [
          {
            id: 'pause',
            label: paused ? RESUME_LABEL : PAUSE_LABEL,
            click: run(async (d) => {
              const now = await togglePause(d);
              if (now !== null) menu.setPaused(now);
            }),
          },
        ],
      },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
      {
        role: 'help',
        submenu: [{ label: `emtesseract ${app.getVersion()}`, enabled: false }],
      },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const menu: AppMenu = {
    setPaused(next) {
      if (next === paused) return;
      paused = next;
      build();
    },
  };
  build();
  return menu;
}
