/**
 * The room itself, in logical pixels (288×160): wall, window with the sky,
 * shelf, clock face, whiteboard frame, coffee corner, six desks, the meeting
 * table and the floor. Drawn once per sky into a cached surface.
 */
import type { Sky } from './office-state.js';

export const ROOM_W = 288;
export const ROOM_H = 160;
export const WALL_H = 54;

/** Desk top-left corners, two rows of three. */
export const DESKS = [
  { x: 56, y: 68 },
  { x: 100, y: 68 },
  { x: 144, y: 68 },
  { x: 56, y: 108 },
  { x: 100, y: 108 },
  { x: 144, y: 108 },
] as const;
export const DESK_W = 34;
export const TABLE = { x: 204, y: 100, w: 68, h: 14 } as const;
export const WINDOW = { x: 112, y: 8, w: 48, h: 32 } as const;
export const BOARD = { x: 176, y: 6, w: 100, h: 40 } as const;
export const CLOCK = { x: 100, y: 22, r: 7 } as const;

type G = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function rect(g: G, x: number, y: number, w: number, h: number, c: string): void {
  g.fillStyle = c;
  g.fillRect(x, y, w, h);
}

const skies: Record<Sky, { top: string; bottom: string; light: string }> = {
  day: { top: '#5fa8e8', bottom: '#bfe3ff', light: 'rgb(255 244 214 / 0.10)' },
  dawn: { top: '#6d7fc9', bottom: '#f6b78c', light: 'rgb(255 200 160 / 0.08)' },
  dusk: { top: '#3b3f7a', bottom: '#f08a5d', light: 'rgb(255 150 110 / 0.08)' },
  night: { top: '#0b1030', bottom: '#23306a', light: 'rgb(60 80 160 / 0.10)' },
};

export function skyColours(sky: Sky): { top: string; bottom: string; light: string } {
  return skies[sky];
}

function drawWindow(g: G, sky: Sky): void {
  const { x, y, w, h } = WINDOW;
  const s = skies[sky];
  const grad = g.createLinearGradient(0, y, 0, y + h);
  grad.addColorStop(0, s.top);
  grad.addColorStop(1, s.bottom);
  g.fillStyle = grad;
  g.fillRect(x, y, w, h);
  if (sky === 'night') {
    for (const [sx, sy] of [[4, 4], [12, 9], [22, 3], [31, 11], [40, 5], [8, 15], [36, 18], [27, 7]] as const) rect(g, x + sx, y + sy, 1, 1, '#e8ecff');
    // The moon.
    rect(g, x + 34, y + 4, 5, 5, '#f4f1d8');
    rect(g, x + 36, y + 4, 3, 3, s.top);
  } else {
    const sunY = sky === 'day' ? 5 : 15;
    rect(g, x + 8, y + sunY, 6, 6, sky === 'day' ? '#fff3b0' : '#ffb36b');
    rect(g, x + 9, y + sunY - 1, 4, 8, sky === 'day' ? '#fff3b0' : '#ffb36b');
    rect(g, x + 7, y + sunY + 1, 8, 4, sky === 'day' ? '#fff3b0' : '#ffb36b');
    if (sky === 'day') {
      rect(g, x + 24, y + 8, 12, 3, '#ffffff');
      rect(g, x + 27, y + 6, 6, 2, '#ffffff');
      rect(g, x + 16, y + 16, 9, 2, '#eef7ff');
    }
  }
  // The city at the bottom of the view, lit windows at night.
  const city = sky === 'night' ? '#151a38' : sky === 'day' ? '#7d96b8' : '#4a3f66';
  const towers = [[0, 8], [6, 12], [13, 6], [18, 14], [26, 9], [31, 16], [38, 7], [43, 11]] as const;
  for (const [tx, th] of towers) rect(g, x + tx, y + h - th, 6, th, city);
  if (sky !== 'day') {
    for (const [tx, th] of towers) for (let wy = y + h - th + 2; wy < y + h - 1; wy += 3) rect(g, x + tx + 2, wy, 1, 1, '#ffd36b');
  }
  // Frame and mullions.
  g.strokeStyle = '#d9c7a6';
  g.lineWidth = 2;
  g.strokeRect(x - 1, y - 1, w + 2, h + 2);
  rect(g, x + w / 2 - 1, y, 2, h, '#d9c7a6');
  rect(g, x, y + h / 2 - 1, w, 2, '#d9c7a6');
  rect(g, x - 3, y + h + 1, w + 6, 3, '#bfa983');
}

function drawDesk(g: G, x: number, y: number): void {
  // Top and front panel.
  rect(g, x, y, DESK_W, 7, '#a9794b');
  rect(g, x, y, DESK_W, 1, '#c79561');
  rect(g, x + 1, y + 7, DESK_W - 2, 7, '#7c5533');
  rect(g, x + 2, y + 8, 12, 4, '#6b482a');
  rect(g, x + 7, y + 10, 2, 1, '#d8b27a');
  // Monitor (screen drawn live), keyboard, mug or plant.
  rect(g, x + 9, y - 12, 16, 11, '#1d2130');
  rect(g, x + 16, y - 1, 2, 2, '#2b3042');
  rect(g, x + 12, y + 2, 10, 2, '#d5d9e3');
  rect(g, x + 27, y + 1, 3, 3, '#e9e4da');
}

/** The chair in front of a desk, drawn over whoever sits on it (its back hides their seat). */
export function deskChair(g: G, x: number, y: number): void {
  rect(g, x + 12, y + 19, 10, 5, '#30364a');
  rect(g, x + 12, y + 19, 10, 1, '#454c66');
  rect(g, x + 16, y + 24, 2, 2, '#222634');
  rect(g, x + 13, y + 26, 8, 1, '#222634');
}

function drawTable(g: G): void {
  const { x, y, w, h } = TABLE;
  // Rug.
  rect(g, x - 8, y - 10, w + 16, 44, '#4b3a5c');
  rect(g, x - 6, y - 8, w + 12, 40, '#5b4870');
  for (let i = 0; i < w + 12; i += 6) rect(g, x - 6 + i, y - 8, 3, 1, '#7a64a0');
  // Top seats' chairs (above the table), then the table, then bottom chairs.
  for (let i = 0; i < 3; i++) rect(g, x + 8 + i * 22, y - 8, 10, 8, '#30364a');
  rect(g, x, y, w, h, '#8c5d3a');
  rect(g, x, y, w, 2, '#a8744a');
  rect(g, x + 2, y + h, w - 4, 4, '#6b4428');
  rect(g, x + 4, y + h + 4, 2, 6, '#4f321e');
  rect(g, x + w - 6, y + h + 4, 2, 6, '#4f321e');
  // Papers and a laptop on the table.
  rect(g, x + 12, y + 4, 6, 4, '#f1ede4');
  rect(g, x + 44, y + 3, 10, 6, '#2a2f40');
  rect(g, x + 45, y + 4, 8, 4, '#5c7cfa');
  rect(g, x + 30, y + 5, 4, 4, '#e9e4da');
}

function drawCoffeeCorner(g: G): void {
  // Counter against the wall.
  rect(g, 4, 40, 40, 20, '#6d4c33');
  rect(g, 4, 38, 40, 3, '#c7c2b8');
  rect(g, 6, 44, 17, 14, '#5a3d28');
  rect(g, 25, 44, 17, 14, '#5a3d28');
  rect(g, 14, 50, 2, 2, '#c7a172');
  rect(g, 33, 50, 2, 2, '#c7a172');
  // Coffee machine.
  rect(g, 8, 24, 12, 14, '#2c2f3a');
  rect(g, 9, 25, 10, 4, '#444a5c');
  rect(g, 10, 26, 2, 2, '#ff5d5d');
  rect(g, 12, 31, 4, 5, '#16171c');
  rect(g, 13, 35, 2, 2, '#f4f1ea');
  // Mugs and a jar.
  rect(g, 26, 34, 3, 4, '#f4f1ea');
  rect(g, 31, 34, 3, 4, '#ffb36b');
  rect(g, 37, 31, 4, 7, '#a7c4d8');
  // A sign above: a coffee cup.
  rect(g, 14, 10, 14, 10, '#2f3546');
  rect(g, 17, 13, 6, 5, '#e9d8b4');
  rect(g, 23, 14, 2, 2, '#e9d8b4');
  // Plant.
  rect(g, 46, 46, 8, 10, '#b0643c');
  rect(g, 44, 34, 12, 12, '#3f8f4f');
  rect(g, 47, 30, 6, 6, '#52a862');
  rect(g, 45, 38, 3, 3, '#2f6e3c');
}

function drawShelf(g: G): void {
  rect(g, 56, 12, 34, 2, '#8a6240');
  rect(g, 56, 28, 34, 2, '#8a6240');
  const books = ['#d0574b', '#4f7fd8', '#e0b640', '#57a66b', '#9b6fd0', '#dd8b4a', '#4fb3c4'];
  let bx = 57;
  for (let i = 0; i < 9; i++) {
    const bh = 7 + (i % 3);
    rect(g, bx, 12 - bh, 3, bh, books[i % books.length] as string);
    bx += 4;
  }
  rect(g, 58, 22, 8, 6, '#c9c3b5');
  rect(g, 70, 24, 4, 4, '#3f8f4f');
  rect(g, 78, 20, 10, 8, '#5b4870');
}

/** Everything that does not move, for one sky. */
export function drawRoom(g: G, sky: Sky): void {
  // Wall with a subtle stripe, baseboard, floor planks.
  rect(g, 0, 0, ROOM_W, WALL_H, '#2a3147');
  for (let x = 0; x < ROOM_W; x += 16) rect(g, x, 0, 8, WALL_H, '#2d3550');
  rect(g, 0, WALL_H, ROOM_W, 3, '#1c2132');
  for (let y = WALL_H + 3, row = 0; y < ROOM_H; y += 8, row++) {
    rect(g, 0, y, ROOM_W, 8, row % 2 ? '#5d4632' : '#664d36');
    rect(g, 0, y + 7, ROOM_W, 1, '#4a3826');
    for (let x = (row % 3) * 20; x < ROOM_W; x += 60) rect(g, x, y, 1, 7, '#4a3826');
  }
  drawWindow(g, sky);
  // Light from the window on the floor.
  g.fillStyle = skies[sky].light;
  g.beginPath();
  g.moveTo(WINDOW.x, WALL_H + 3);
  g.lineTo(WINDOW.x + WINDOW.w, WALL_H + 3);
  g.lineTo(WINDOW.x + WINDOW.w + 26, ROOM_H);
  g.lineTo(WINDOW.x - 22, ROOM_H);
  g.closePath();
  g.fill();
  drawShelf(g);
  // Clock face (hands are drawn live).
  rect(g, CLOCK.x - CLOCK.r, CLOCK.y - CLOCK.r, CLOCK.r * 2 + 1, CLOCK.r * 2 + 1, '#1c2132');
  g.fillStyle = '#f1ede4';
  g.beginPath();
  g.arc(CLOCK.x + 0.5, CLOCK.y + 0.5, CLOCK.r - 1, 0, Math.PI * 2);
  g.fill();
  // Whiteboard frame and surface (the numbers are written live, at full resolution).
  rect(g, BOARD.x - 2, BOARD.y - 2, BOARD.w + 4, BOARD.h + 4, '#9aa3b5');
  rect(g, BOARD.x, BOARD.y, BOARD.w, BOARD.h, '#eef1f6');
  rect(g, BOARD.x + 10, BOARD.y + BOARD.h + 2, BOARD.w - 20, 2, '#7d8699');
  rect(g, BOARD.x + 14, BOARD.y + BOARD.h, 6, 2, '#d04848');
  rect(g, BOARD.x + 22, BOARD.y + BOARD.h, 6, 2, '#3a62d0');
  drawCoffeeCorner(g);
  // A second plant by the table, a water cooler by the corridor.
  rect(g, 276, 132, 8, 10, '#b0643c');
  rect(g, 274, 120, 12, 12, '#3f8f4f');
  rect(g, 277, 116, 6, 6, '#52a862');
  rect(g, 164, 36, 8, 18, '#c9d6e6');
  rect(g, 165, 28, 6, 9, '#7fb6e8');
  rect(g, 166, 30, 2, 4, '#b9dcf7');
  // A high café table in the coffee corner.
  rect(g, 16, 110, 20, 5, '#a9794b');
  rect(g, 16, 110, 20, 1, '#c79561');
  rect(g, 25, 115, 2, 10, '#4f321e');
  rect(g, 21, 125, 10, 2, '#4f321e');
  rect(g, 19, 107, 3, 3, '#f4f1ea');
  rect(g, 30, 107, 3, 3, '#ffb36b');
  drawTable(g);
  for (const d of DESKS) drawDesk(g, d.x, d.y);
}
