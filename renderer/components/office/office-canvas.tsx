import { useEffect, useRef } from 'react';
import { navigate } from '../../lib/router.js';
import { useAgents } from '../../store/agents-store.js';
import { useMissions } from '../../store/missions-store.js';
import { startOfficeSync, useOffice } from '../../store/office-store.js';
import { ROOM_H, ROOM_W } from './office-room.js';
import { OfficeScene } from './office-scene.js';
import { boardRows, officeAgents, skyAt, type OfficeAgent, type OfficeMetrics } from './office-state.js';

/** Frames per second while something moves; the feed beside it keeps the rest of the budget. */
const FPS = 15;
const REDUCED_FPS = 1;
/** How often the agents' states are read again from the stores (celebrations end with time). */
const STATE_MS = 500;

function readAgents(now: number): OfficeAgent[] {
  return officeAgents(useAgents.getState().agents, useMissions.getState().latest, useOffice.getState().talks, now);
}

function readMetrics(): OfficeMetrics | null {
  const t = useOffice.getState().today;
  if (!t) return null;
  const decided = t.succeededToday + t.failedToday;
  return { missionsToday: t.missionsToday, successRate: decided ? t.succeededToday / decided : null, queuedSteps: t.queuedSteps, tokensToday: t.tokensToday };
}

/**
 * The pixel-art office: a canvas animated with requestAnimationFrame at a
 * capped rate, integer-scaled, paused when the page is hidden or the canvas
 * is off-screen. React renders it once; the loop reads the stores itself.
 * The canvas carries each agent's state in data attributes for tests.
 */
export function OfficeCanvas() {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const boardRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!wrap || !canvas) return;
    const out = canvas.getContext('2d');
    if (!out) return;
    const stopSync = startOfficeSync();
    const scene = new OfficeScene();
    const motion = window.matchMedia('(prefers-reduced-motion: reduce)');
    scene.reducedMotion = motion.matches;
    let scale = 1;
    let visible = !document.hidden;
    let onScreen = true;
    let raf = 0;
    let last = 0;
    let lastState = -Infinity;
    let hover: string | null = null;
    let stamp = '';

    const resize = (): void => {
      const dpr = window.devicePixelRatio || 1;
      scale = Math.max(1, Math.floor((wrap.clientWidth * dpr) / ROOM_W));
      canvas.width = ROOM_W * scale;
      canvas.height = ROOM_H * scale;
      canvas.style.width = `${(ROOM_W * scale) / dpr}px`;
      canvas.style.height = `${(ROOM_H * scale) / dpr}px`;
      last = 0;
    };

    const publish = (sky: string, drawn: number, metrics: OfficeMetrics | null): void => {
      const views = scene.views();
      const board = metrics ? boardRows(metrics) : null;
      const next = JSON.stringify([views.map((v) => [v.id, v.state, v.walking]), board]);
      if (next === stamp && canvas.dataset.sky === sky) return;
      stamp = next;
      // What the whiteboard says, for tests and, in words, for screen readers.
      canvas.dataset.board = board ? JSON.stringify(Object.fromEntries(board.map((r) => [r.label, r.value]))) : '';
      if (boardRef.current) {
        boardRef.current.textContent = board ? `Today: ${board.map((r) => `${r.label} ${r.value}`).join(', ')}.` : 'Today: reading the numbers…';
      }
      canvas.dataset.agents = JSON.stringify(Object.fromEntries(views.map((v) => [v.id, v.state])));
      canvas.dataset.walking = views.filter((v) => v.walking).map((v) => v.id).join(' ');
      canvas.dataset.sky = sky;
      canvas.dataset.drawn = String(drawn);
      // The same, for screen readers and keyboards: one button per agent.
      const list = listRef.current;
      if (list) {
        list.replaceChildren(
          ...readAgents(Date.now()).map((a) => {
            const li = document.createElement('li');
            const b = document.createElement('button');
            b.type = 'button';
            b.textContent = `${a.name}: ${a.doing}`;
            b.addEventListener('click', () => navigate({ view: 'agents', agentId: a.id }));
            li.append(b);
            return li;
          }),
        );
      }
    };

    const frame = (t: number): void => {
      raf = 0;
      if (!visible || !onScreen) return;
      const fps = scene.reducedMotion ? REDUCED_FPS : FPS;
      if (t - last >= 1000 / fps) {
        const dt = last ? Math.min(t - last, 250) : 0;
        last = t;
        const now = Date.now();
        if (now - lastState >= STATE_MS) {
          lastState = now;
          scene.setAgents(readAgents(now));
        }
        scene.step(dt);
        const date = new Date(now);
        const sky = skyAt(date);
        const metrics = readMetrics();
        const drawn = scene.draw(out, scale, t, sky, date, metrics, hover);
        publish(sky, drawn, metrics);
      }
      raf = requestAnimationFrame(frame);
    };
    const wake = (): void => {
      if (!raf && visible && onScreen) raf = requestAnimationFrame(frame);
    };

    const onVisibility = (): void => {
      visible = !document.hidden;
      last = 0;
      wake();
    };
    const onMotion = (): void => {
      scene.reducedMotion = motion.matches;
    };
    const toLogical = (e: MouseEvent): { x: number; y: number } => {
      const r = canvas.getBoundingClientRect();
      return { x: ((e.clientX - r.left) / r.width) * ROOM_W, y: ((e.clientY - r.top) / r.height) * ROOM_H };
    };
    const onMove = (e: MouseEvent): void => {
      const p = toLogical(e);
      hover = scene.hit(p.x, p.y)?.id ?? null;
      canvas.style.cursor = hover ? 'pointer' : 'default';
    };
    const onLeave = (): void => {
      hover = null;
    };
    const onClick = (e: MouseEvent): void => {
      const p = toLogical(e);
      const a = scene.hit(p.x, p.y);
      if (a) navigate({ view: 'agents', agentId: a.id });
    };

    resize();
    scene.setAgents(readAgents(Date.now()));
    // For tests: where an agent stands, in the room's logical pixels.
    (window as unknown as { __office?: unknown }).__office = { where: (id: string) => scene.views().find((v) => v.id === id) ?? null };
    const ro = new ResizeObserver(resize);
    ro.observe(wrap);
    const io = new IntersectionObserver((entries) => {
      onScreen = entries.some((en) => en.isIntersecting);
      last = 0;
      wake();
    });
    io.observe(canvas);
    document.addEventListener('visibilitychange', onVisibility);
    motion.addEventListener('change', onMotion);
    canvas.addEventListener('mousemove', onMove);
    canvas.addEventListener('mouseleave', onLeave);
    canvas.addEventListener('click', onClick);
    wake();
    return () => {
      if (raf) cancelAnimationFrame(raf);
      ro.disconnect();
      io.disconnect();
      document.removeEventListener('visibilitychange', onVisibility);
      motion.removeEventListener('change', onMotion);
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('mouseleave', onLeave);
      canvas.removeEventListener('click', onClick);
      stopSync();
    };
  }, []);

  return (
    <section className="panel office-panel" aria-label="The office">
      <div ref={wrapRef} className="office-wrap">
        <canvas ref={canvasRef} className="office-canvas" data-testid="office-canvas" role="img" aria-label="The office: each agent at work, in a meeting or having a coffee" />
      </div>
      <p ref={boardRef} className="office-sr" data-testid="office-board" />
      <ul ref={listRef} className="office-sr" aria-label="Who is where" />
    </section>
  );
}
