/**
 * The office in motion: actors walk towards the spot their state asks for,
 * and each frame is drawn into a 288×160 surface, then scaled by an integer
 * onto the visible canvas, where the whiteboard and name tags are written at
 * full resolution. No React here; the canvas component drives it.
 */
import { BOARD, CLOCK, DESKS, ROOM_H, ROOM_W, deskChair, drawRoom } from './office-room.js';
import { pathBetween, spotOf, type Point, type Spot } from './office-layout.js';
import { SPRITE_H, SPRITE_W, sprite, type Pose } from './office-sprites.js';
import { boardRows, type OfficeAgent, type OfficeMetrics, type Sky } from './office-state.js';

type G = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

const SPEED = 38; // logical px per second
const FRAME_MS = 220; // walk and typing cycle

interface Actor {
  agent: OfficeAgent;
  x: number;
  y: number;
  spot: Spot;
  path: Point[];
  walkingUp: boolean;
}

/** What a test (or the accessible list) reads: each agent's state and whether it is on its way. */
export interface ActorView {
  id: string;
  state: OfficeAgent['state'];
  walking: boolean;
  x: number;
  y: number;
}

function rect(g: G, x: number, y: number, w: number, h: number, c: string): void {
  g.fillStyle = c;
  g.fillRect(x, y, w, h);
}

export class OfficeScene {
  private actors = new Map<string, Actor>();
  private room: { sky: Sky; surface: OffscreenCanvas | HTMLCanvasElement } | null = null;
  private readonly low: OffscreenCanvas | HTMLCanvasElement;
  reducedMotion = false;

  constructor() {
    this.low = makeSurface(ROOM_W, ROOM_H);
  }

  /** New targets from the stores: actors that changed spot set off along the aisles. */
  setAgents(agents: readonly OfficeAgent[]): void {
    const seen = new Set<string>();
    for (const a of agents) {
      seen.add(a.id);
      const spot = spotOf(a);
      const cur = this.actors.get(a.id);
      if (!cur) {
        this.actors.set(a.id, { agent: a, x: spot.x, y: spot.y, spot, path: [], walkingUp: false });
        continue;
      }
      const moved = cur.spot.x !== spot.x || cur.spot.y !== spot.y;
      cur.agent = a;
      if (!moved) continue;
      const from = { x: cur.x, y: cur.y, exitY: cur.path.length ? (cur.path[cur.path.length - 1]?.y ?? cur.y) : cur.spot.exitY };
      cur.path = this.reducedMotion ? [] : pathBetween(from, spot);
      cur.spot = spot;
      if (this.reducedMotion) {
        cur.x = spot.x;
        cur.y = spot.y;
      }
    }
    for (const id of [...this.actors.keys()]) if (!seen.has(id)) this.actors.delete(id);
  }

  /** Moves everyone along their path by `dt` ms. */
  step(dt: number): void {
    for (const a of this.actors.values()) {
      let budget = (SPEED * dt) / 1000;
      while (budget > 0 && a.path.length) {
        const t = a.path[0] as Point;
        const dx = t.x - a.x;
        const dy = t.y - a.y;
        const d = Math.abs(dx) + Math.abs(dy);
        if (d <= budget) {
          a.x = t.x;
          a.y = t.y;
          a.path.shift();
          budget -= d;
        } else {
          // Paths are axis-aligned: move along the one axis that differs.
          if (dx !== 0) a.x += Math.sign(dx) * Math.min(budget, Math.abs(dx));
          else a.y += Math.sign(dy) * Math.min(budget, Math.abs(dy));
          a.walkingUp = dy < 0 && dx === 0;
          budget = 0;
        }
      }
    }
  }

  views(): ActorView[] {
    return [...this.actors.values()].map((a) => ({ id: a.agent.id, state: a.agent.state, walking: a.path.length > 0, x: Math.round(a.x), y: Math.round(a.y) }));
  }

  /** The agent under logical point (x, y), if any. */
  hit(x: number, y: number): OfficeAgent | null {
    let best: Actor | null = null;
    for (const a of this.actors.values()) {
      const inside = x >= a.x - SPRITE_W / 2 - 1 && x <= a.x + SPRITE_W / 2 + 1 && y >= a.y - SPRITE_H - 1 && y <= a.y + 1;
      if (inside && (!best || a.y > best.y)) best = a;
    }
    return best?.agent ?? null;
  }

  private poseOf(a: Actor, t: number): { pose: Pose; frame: number } {
    const frame = this.reducedMotion ? 0 : Math.floor(t / FRAME_MS) % 2;
    if (a.path.length) return { pose: a.walkingUp ? 'walk-back' : 'walk-front', frame };
    switch (a.agent.state) {
      case 'working':
        return { pose: 'type', frame };
      case 'celebrating':
        return { pose: 'cheer', frame };
      case 'chatting':
        return { pose: a.spot.facing === 'back' ? 'back' : 'sit-front', frame: 0 };
      case 'off':
        return { pose: 'type', frame: 0 };
      default:
        return { pose: 'coffee', frame: 0 };
    }
  }

  /** Draws one frame at time `t` (ms) onto `out`, scaled by `scale`. */
  draw(out: CanvasRenderingContext2D, scale: number, t: number, sky: Sky, clock: Date, metrics: OfficeMetrics | null, hover: string | null): number {
    if (!this.room || this.room.sky !== sky) {
      const surface = makeSurface(ROOM_W, ROOM_H);
      drawRoom(ctx2d(surface), sky);
      this.room = { sky, surface };
    }
    const g = ctx2d(this.low);
    g.drawImage(this.room.surface, 0, 0);
    this.drawClockHands(g, clock);
    const working = new Set<number>();
    for (const a of this.actors.values()) if (!a.path.length && a.agent.state === 'working') working.add(a.agent.seat % DESKS.length);
    DESKS.forEach((d, i) => this.drawScreen(g, d.x + 9, d.y - 12, working.has(i), t, i));
    const coffee = [...this.actors.values()].some((a) => !a.path.length && a.agent.state === 'coffee');
    if (coffee && !this.reducedMotion) this.drawSteam(g, t);

    // Painter's order: whoever stands lower on the floor is drawn later.
    const drawn = [...this.actors.values()].sort((a, b) => a.y - b.y);
    let count = 0;
    for (const a of drawn) {
      const { pose, frame } = this.poseOf(a, t);
      const bob = a.agent.state === 'celebrating' && !a.path.length && frame ? -2 : 0;
      const x = Math.round(a.x - SPRITE_W / 2);
      const y = Math.round(a.y - SPRITE_H) + bob;
      g.drawImage(sprite(a.agent.id, pose, frame, a.agent.state === 'off'), x, y);
      count++;
      const atDesk = !a.path.length && a.spot.facing === 'back' && a.agent.spot === 'desk';
      if (atDesk) {
        const d = DESKS[a.agent.seat % DESKS.length] as (typeof DESKS)[number];
        deskChair(g, d.x, d.y);
      }
      if (a.agent.state === 'celebrating' && !a.path.length && !this.reducedMotion) this.drawConfetti(g, a.x, a.y - SPRITE_H, t);
      if (a.agent.state === 'off') this.drawZ(g, a.x + 4, a.y - SPRITE_H - 2, t);
    }
    // Empty desks keep their chair.
    const seated = new Set([...this.actors.values()].filter((a) => !a.path.length && a.agent.spot === 'desk' && a.spot.facing === 'back').map((a) => a.agent.seat % DESKS.length));
    DESKS.forEach((d, i) => !seated.has(i) && deskChair(g, d.x, d.y));
    this.drawBubbles(g, t);

    out.imageSmoothingEnabled = false;
    out.drawImage(this.low, 0, 0, ROOM_W * scale, ROOM_H * scale);
    this.drawBoard(out, scale, metrics);
    this.drawTags(out, scale, hover);
    return count;
  }

  private drawClockHands(g: G, now: Date): void {
    const m = now.getMinutes();
    const h = (now.getHours() % 12) + m / 60;
    const hand = (angle: number, len: number, c: string): void => {
      for (let r = 1; r <= len; r++) rect(g, Math.round(CLOCK.x + Math.sin(angle) * r), Math.round(CLOCK.y - Math.cos(angle) * r), 1, 1, c);
    };
    hand((h / 12) * Math.PI * 2, 3, '#1c2132');
    hand((m / 60) * Math.PI * 2, 5, '#d04848');
    rect(g, CLOCK.x, CLOCK.y, 1, 1, '#1c2132');
  }

  private drawScreen(g: G, x: number, y: number, on: boolean, t: number, i: number): void {
    if (!on) {
      rect(g, x + 1, y + 1, 14, 9, '#262b3b');
      rect(g, x + 7, y + 5, 2, 1, '#3a4057');
      return;
    }
    rect(g, x + 1, y + 1, 14, 9, '#0f2a3f');
    const shift = this.reducedMotion ? 0 : Math.floor(t / 300) + i * 3;
    const colours = ['#6ee7b7', '#7dd3fc', '#fcd34d', '#f0abfc'];
    for (let r = 0; r < 4; r++) {
      const n = (r + shift) % 7;
      const w = 3 + ((n * 5) % 9);
      rect(g, x + 2 + (n % 3), y + 2 + r * 2, Math.min(w, 12 - (n % 3)), 1, colours[(r + shift) % 4] as string);
    }
    // Glow on the desk.
    rect(g, x - 1, y + 11, 18, 1, 'rgb(125 211 252 / 0.35)');
  }

  private drawSteam(g: G, t: number): void {
    const p = Math.floor(t / 250) % 4;
    rect(g, 13, 21 - p, 1, 1, 'rgb(255 255 255 / 0.7)');
    rect(g, 15, 19 - ((p + 2) % 4), 1, 1, 'rgb(255 255 255 / 0.5)');
  }

  private drawConfetti(g: G, x: number, top: number, t: number): void {
    const colours = ['#fbbf24', '#f472b6', '#60a5fa', '#4ade80'];
    for (let i = 0; i < 8; i++) {
      const fall = (Math.floor(t / 90) + i * 7) % 18;
      const dx = ((i * 37) % 17) - 8;
      rect(g, Math.round(x + dx), Math.round(top - 8 + fall), 1, 1, colours[i % 4] as string);
    }
  }

  private drawZ(g: G, x: number, y: number, t: number): void {
    const p = this.reducedMotion ? 0 : Math.floor(t / 600) % 3;
    rect(g, Math.round(x) + p, Math.round(y) - p * 2, 3, 1, '#c7d2fe');
    rect(g, Math.round(x) + p + 1, Math.round(y) - p * 2 + 1, 1, 1, '#c7d2fe');
    rect(g, Math.round(x) + p, Math.round(y) - p * 2 + 2, 3, 1, '#c7d2fe');
  }

  /** One speaker at a time per table side gets a speech bubble. */
  private drawBubbles(g: G, t: number): void {
    const talkers = [...this.actors.values()].filter((a) => !a.path.length && a.agent.state === 'chatting');
    if (talkers.length < 1) return;
    const who = talkers[Math.floor(t / 2400) % talkers.length] as Actor;
    const x = Math.round(who.x - 2);
    const y = Math.round(who.y - SPRITE_H - (who.spot.facing === 'front' ? 10 : 9));
    rect(g, x, y, 11, 7, '#ffffff');
    rect(g, x + 1, y + 7, 2, 2, '#ffffff');
    const dots = this.reducedMotion ? 3 : (Math.floor(t / 400) % 3) + 1;
    for (let i = 0; i < dots; i++) rect(g, x + 2 + i * 3, y + 3, 1, 1, '#1c2132');
  }

  private drawBoard(out: CanvasRenderingContext2D, s: number, m: OfficeMetrics | null): void {
    const x = BOARD.x * s;
    const y = BOARD.y * s;
    const line = Math.max(8, Math.floor(BOARD.h / 5) * s);
    out.textBaseline = 'top';
    out.font = `700 ${Math.round(line * 0.78)}px ui-monospace, 'DejaVu Sans Mono', monospace`;
    out.fillStyle = '#3a62d0';
    out.fillText('TODAY', x + 4 * s, y + 2 * s);
    const colour = (label: string): string =>
      label === 'success' ? (m?.successRate != null && m.successRate < 0.6 ? '#c0392b' : '#1f8a4c') : label === 'tokens' ? '#7a3fb0' : '#1c2132';
    const rows: [string, string, string][] = m ? boardRows(m).map((r) => [r.label, r.value, colour(r.label)]) : [['reading…', '', '#596179']];
    out.font = `600 ${Math.round(line * 0.66)}px ui-monospace, 'DejaVu Sans Mono', monospace`;
    rows.forEach(([label, value, colour], i) => {
      const ry = y + 2 * s + line * (i + 1);
      out.fillStyle = '#4b5366';
      out.fillText(label, x + 4 * s, ry);
      out.fillStyle = colour;
      const w = out.measureText(value).width;
      out.fillText(value, x + (BOARD.w - 4) * s - w, ry);
    });
  }

  private drawTags(out: CanvasRenderingContext2D, s: number, hover: string | null): void {
    out.font = `600 ${Math.max(9, Math.round(4.2 * s))}px ui-sans-serif, system-ui, sans-serif`;
    out.textBaseline = 'top';
    for (const a of this.actors.values()) {
      const label = a.agent.id === hover ? `${a.agent.name} · ${a.agent.doing}` : a.agent.name;
      const w = Math.ceil(out.measureText(label).width) + 8;
      const h = Math.max(12, Math.round(6 * s));
      const cx = Math.round(a.x * s);
      let tx = cx - w / 2;
      tx = Math.max(2, Math.min(tx, ROOM_W * s - w - 2));
      const ty = Math.round(a.y * s) + 2;
      out.fillStyle = a.agent.id === hover ? 'rgb(15 18 28 / 0.92)' : 'rgb(15 18 28 / 0.62)';
      out.fillRect(tx, ty, w, h);
      out.fillStyle = '#f1f3f9';
      out.fillText(label, tx + 4, ty + Math.max(1, Math.round((h - 4.2 * s) / 2) - 1));
    }
  }
}

function makeSurface(w: number, h: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function ctx2d(c: OffscreenCanvas | HTMLCanvasElement): G {
  return c.getContext('2d') as G;
}
