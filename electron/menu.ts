/**
 * The application menu: File → Export…, Import…, Back up now, Open data
 * folder; Company → Pause company / Resume company, whose label follows the
 * engine's pause state (main calls setPaused on every { type: 'runtime' }
 * stream message). The actions live in menu-actions.ts and go through the
 * contract (run-action.ts runs them, for the tray too); this file only lays
 * out the menu.
 */
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { Handlers } from '../core/api/contract.js';
import { backupNow, exportData, importData } from './menu-actions.js';
import { actionRunner, pauseItem } from './run-action.js';

export interface AppMenu {
  /** Rebuilds the menu so the pause item says what it will do. */
  setPaused(paused: boolean): void;
}

export function installMenu(dataDir: string, handlers: Handlers, initiallyPaused = false): AppMenu {
  const run = actionRunner(handlers);
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
        submenu: [pauseItem(run, paused, 'Paused from the menu', (now) => menu.setPaused(now))],
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
