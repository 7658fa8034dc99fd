/**
 * The tray icon, so the company can keep working with its window closed:
 * Show emtesseract (opens the window again, or brings it forward), Pause
 * Company / Resume Company (the menu's action, run-action.ts), Quit. Its
 * tooltip and pause label follow the engine's pause state (main calls
 * setPaused on every { type: 'runtime' } stream message). Clicking the icon
 * shows the window on Windows and Linux; on macOS a click opens the menu.
 */
import { app, Menu, nativeImage, Tray } from 'electron';
import type { Handlers } from '../core/api/contract.js';
import { actionRunner, pauseItem } from './run-action.js';

export interface AppTray {
  /** Updates the pause label and the tooltip; a reason left out keeps the one shown. */
  setPaused(paused: boolean, reason?: string | null): void;
  destroy(): void;
}

export interface TrayOptions {
  /** tray.png; Electron picks up tray@2x.png beside it on high-density screens. */
  iconPath: string;
  handlers: Handlers;
  /** Brings the window forward, opening it again if it was closed. */
  showWindow: () => void;
  initial?: { paused: boolean; reason: string | null } | null;
  platform?: NodeJS.Platform;
}

export function trayToolTip(paused: boolean, reason: string | null): string {
  if (!paused) return 'emtesseract — running';
  return reason ? `emtesseract — paused: ${reason}` : 'emtesseract — paused';
}

/**
 * Whether closing the last window quits the app: on macOS never (the app
 * stays in the Dock and its menu, as before); on Windows and Linux only when
 * there is no tray to come back from.
 */
export function quitsWhenLastWindowCloses(platform: NodeJS.Platform, hasTray: boolean): boolean {
  return platform !== 'darwin' && !hasTray;
}

/** Null when the icon cannot be loaded: a tray without an image would leave no way back to the app. */
export function installTray(opts: TrayOptions): AppTray | null {
  const image = nativeImage.createFromPath(opts.iconPath);
  if (image.isEmpty()) return null;
  const tray = new Tray(image);
  const run = actionRunner(opts.handlers);
  let paused = opts.initial?.paused ?? false;
  let reason = opts.initial?.reason ?? null;
  const build = (): void => {
    tray.setToolTip(trayToolTip(paused, reason));
    // Linux reads the menu only when it is set, so it is rebuilt and set again on every change.
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { id: 'show', label: 'Show emtesseract', click: opts.showWindow },
        pauseItem(run, paused, 'Paused from the tray', (now) => appTray.setPaused(now)),
        { type: 'separator' },
        { id: 'quit', label: 'Quit', click: () => app.quit() },
      ]),
    );
  };
  if ((opts.platform ?? process.platform) !== 'darwin') tray.on('click', opts.showWindow);
  const appTray: AppTray = {
    setPaused(next, nextReason) {
      const r = next ? (nextReason === undefined ? reason : nextReason) : null;
      if (next === paused && r === reason) return;
      paused = next;
      reason = r;
      build();
    },
    destroy: () => tray.destroy(),
  };
  build();
  return appTray;
}
