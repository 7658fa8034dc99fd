/**
 * The people of the office, drawn in code: 10×20 pixel maps per pose and
 * frame, coloured per agent (skin, hair, shirt from its hue, an accessory
 * each), rendered once into small canvases and reused every frame.
 */
import { agentLook } from '../../lib/agent-look.js';

export type Pose = 'front' | 'back' | 'walk-front' | 'walk-back' | 'type' | 'cheer' | 'coffee' | 'sit-front' | 'sleep';
export const SPRITE_W = 10;
export const SPRITE_H = 20;

// h hair · s skin · e eye · m mouth · c shirt · C shirt shade · p trousers · b shoes · w mug · . nothing
const head = ['...hhhh...', '..hhhhhh..', '.hhhhhhhh.', '.hssssssh.', '.sesssses.', '.ssssssss.', '..ssmmss..', '...ssss...'];
const headBack = ['...hhhh...', '..hhhhhh..', '.hhhhhhhh.', '.hhhhhhhh.', '.hhhhhhhh.', '.hhhhhhhh.', '..hhhhhh..', '...ssss...'];
const body = ['.cccccccc.', 'CccccccccC', 'CccccccccC', 'CccccccccC', 'sccccccccs', '.pppppppp.'];
const legs = ['..pppppp..', '..pp..pp..', '..pp..pp..', '..pp..pp..', '..bb..bb..', '.bbb..bbb.'];
const legsA = ['..pppppp..', '..pp..pp..', '..pp..pp..', '..pp...pp.', '..bb...bb.', '.bbb......'];
const legsB = ['..pppppp..', '..pp..pp..', '..pp..pp..', '.pp...pp..', '.bb....bb.', '......bbb.'];
const seated = ['..pppppp..', '.pppppppp.', '.pp....pp.', '.pp....pp.', '.bb....bb.', '..........'];

const cheerBody = ['CccccccccC', '.cccccccc.', '.cccccccc.', '.cccccccc.', '.cccccccc.', '.pppppppp.'];
const coffeeBody = ['.cccccccc.', 'CccccccccC', 'CcccccccCw', 'CcccccccCw', 'sccccccc.s', '.pppppppp.'];
const typeA = ['.cccccccc.', 'CccccccccC', 'CccccccccC', 'sCccccccCs', '.cccccccc.', '.pppppppp.'];
const typeB = ['.cccccccc.', 'CccccccccC', 'sCccccccCC', '.CccccccCs', '.cccccccc.', '.pppppppp.'];

/** The pixel rows of one pose at one animation frame (0 or 1). */
export function poseRows(pose: Pose, frame: number): string[] {
  const f = frame % 2;
  switch (pose) {
    case 'front':
      return [...head, ...body, ...legs];
    case 'back':
      return [...headBack, ...body, ...legs];
    case 'walk-front':
      return [...head, ...body, ...(f ? legsB : legsA)];
    case 'walk-back':
      return [...headBack, ...body, ...(f ? legsB : legsA)];
    case 'type':
      return [...headBack, ...(f ? typeB : typeA), ...seated];
    case 'cheer': {
      // Arms up: the hands sit beside the head.
      const up = head.map((r, i) => (i >= 2 && i <= 5 ? `C${r.slice(1, 9)}C` : i === 1 ? `s${r.slice(1, 9)}s` : r));
      return [...up, ...cheerBody, ...(f ? legsA : legs)];
    }
    case 'coffee':
      return [...head, ...coffeeBody, ...legs];
    case 'sit-front':
      return [...head, ...body, ...seated];
    case 'sleep': {
      const closed = head.map((r) => r.replace(/e/g, 'h'));
      return [...closed, ...body, ...seated];
    }
  }
}

interface Palette {
  skin: string;
  hair: string;
  shirt: string;
  shade: string;
  trousers: string;
  accessory: string;
  kind: 'tie' | 'glasses' | 'cap' | 'long-hair' | 'hood' | 'headphones';
}

const skins = ['#f2c79a', '#e0a872', '#c68642', '#8d5524', '#ffdcb5', '#b97a4c'];
const hairs = ['#2b1d14', '#101014', '#6b3e1f', '#c9a25a', '#8a2f2f', '#3b2a4a'];
const kinds: Palette['kind'][] = ['tie', 'glasses', 'cap', 'long-hair', 'hood', 'headphones'];
const known: Record<string, number> = { opus: 0, brain: 1, growth: 2, creator: 3, 'twitter-alt': 4, observer: 5 };

function hash(id: string): number {
  let h = 7;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

export function paletteFor(agentId: string): Palette {
  const n = known[agentId] ?? hash(agentId) % 6;
  const { hue } = agentLook(agentId);
  return {
    skin: skins[(n * 5 + 1) % 6] as string,
    hair: hairs[n] as string,
    shirt: `hsl(${hue} 62% 52%)`,
    shade: `hsl(${hue} 58% 38%)`,
    trousers: n % 2 ? '#2d3348' : '#3b3f52',
    accessory: kinds[n] === 'tie' ? '#c0392b' : kinds[n] === 'glasses' ? '#0d0f14' : `hsl(${hue} 70% 42%)`,
    kind: kinds[n] as Palette['kind'],
  };
}

/** Applies the agent's accessory to a pose's rows (front and back differ). */
function dress(rows: string[], p: Palette, pose: Pose): string[] {
  const out = rows.map((r) => r.split(''));
  const put = (x: number, y: number, ch: string): void => {
    const row = out[y];
    if (row && x >= 0 && x < SPRITE_W) row[x] = ch;
  };
  const facesFront = !pose.includes('back') && pose !== 'type';
  switch (p.kind) {
    case 'tie':
      if (facesFront) {
        for (let y = 9; y <= 12; y++) {
          put(4, y, 'a');
          put(5, y, y === 9 ? 'a' : 'c');
        }
      }
      break;
    case 'glasses':
      if (facesFront) for (const x of [1, 2, 3, 5, 6, 7]) put(x, 4, x === 2 || x === 6 ? 'e' : 'a');
      break;
    case 'cap':
      for (let x = 1; x <= 8; x++) {
        put(x, 1, 'a');
        put(x, 2, 'a');
      }
      if (facesFront) for (let x = 0; x <= 6; x++) put(x, 3, 'a');
      break;
    case 'long-hair':
      for (let y = 3; y <= 9; y++) {
        put(0, y, 'h');
        put(9, y, 'h');
      }
      break;
    case 'hood':
      for (let y = 1; y <= 7; y++) {
        put(0, y, 'a');
        put(9, y, 'a');
      }
      for (let x = 2; x <= 7; x++) put(x, 0, 'a');
      break;
    case 'headphones':
      for (let x = 2; x <= 7; x++) put(x, 0, 'a');
      for (const [x, y] of [[1, 1], [8, 1], [0, 4], [9, 4], [0, 5], [9, 5]] as const) put(x, y, 'a');
      break;
  }
  return out.map((r) => r.join(''));
}

function colourOf(ch: string, p: Palette): string | null {
  switch (ch) {
    case 'h':
      return p.hair;
    case 's':
      return p.skin;
    case 'e':
      return '#15161c';
    case 'm':
      return '#a85a50';
    case 'c':
      return p.shirt;
    case 'C':
      return p.shade;
    case 'p':
      return p.trousers;
    case 'b':
      return '#17181f';
    case 'w':
      return '#f4f1ea';
    case 'a':
      return p.accessory;
    default:
      return null;
  }
}

export type SpriteSurface = HTMLCanvasElement | OffscreenCanvas;

const cache = new Map<string, SpriteSurface>();

function surface(w: number, h: number): SpriteSurface {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

/** The sprite of `agentId` in `pose` at `frame`, drawn once and cached. */
export function sprite(agentId: string, pose: Pose, frame: number, dim = false): SpriteSurface {
  const key = `${agentId}|${pose}|${frame % 2}|${dim ? 1 : 0}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = paletteFor(agentId);
  const rows = dress(poseRows(pose, frame), p, pose);
  const c = surface(SPRITE_W, SPRITE_H);
  const g = c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      const col = colourOf(row[x] as string, p);
      if (!col) continue;
      g.fillStyle = col;
      g.fillRect(x, y, 1, 1);
    }
  });
  if (dim) {
    g.globalCompositeOperation = 'source-atop';
    g.fillStyle = 'rgb(20 24 36 / 0.45)';
    g.fillRect(0, 0, SPRITE_W, SPRITE_H);
  }
  cache.set(key, c);
  return c;
}
