// Draws the tray icon, resources/tray.png (16 px) and tray@2x.png (32 px):
// resources/icon.svg's design (two squares joined at the corners on a dark
// tile) with heavier strokes, so it still reads at 16 px. Run once after a
// change to the design: node electron/draw-tray-icon.mjs
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STROKE = 2.6; // in the 32-unit box of icon.svg (the app icon's is 1.6)
const SAMPLES = 8; // per pixel side

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const tile = (t) => mix([0x16, 0x1b, 0x27], [0x0a, 0x0c, 0x11], t);
const ink = (t) => mix([0x9f, 0xb6, 0xff], [0x5b, 0x7c, 0xfa], t);

/** Signed distance from (x, y) to a rounded rectangle. */
function roundedRect(x, y, left, top, size, r) {
  const h = size / 2;
  const qx = Math.abs(x - left - h) - (h - r);
  const qy = Math.abs(y - top - h) - (h - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance from (x, y) to the segment from (ax, ay) to (bx, by). */
function segment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

const joins = [
  [7.6, 7.6, 13.4, 13.4],
  [18.4, 7.6, 24.4, 13.4],
  [7.6, 18.4, 13.4, 24.4],
  [18.4, 18.4, 24.4, 24.4],
];

/** The colour and coverage of one point of the 32-unit box, or null outside the tile. */
function paint(x, y) {
  if (roundedRect(x, y, 0, 0, 32, 7) > 0) return null;
  const t = (x + y) / 64;
  const d = Math.min(
    Math.abs(roundedRect(x, y, 7, 7, 12, 1.2)),
    Math.abs(roundedRect(x, y, 13, 13, 12, 1.2)),
    ...joins.map(([ax, ay, bx, by]) => segment(x, y, ax, ay, bx, by)),
  );
  return d <= STROKE / 2 ? ink(t) : tile(t);
}

function draw(px) {
  const rgba = Buffer.alloc(px * px * 4);
  const unit = 32 / px / SAMPLES;
  for (let row = 0; row < px; row++) {
    for (let col = 0; col < px; col++) {
      const sum = [0, 0, 0];
      let hits = 0;
      for (let i = 0; i < SAMPLES * SAMPLES; i++) {
        const c = paint((col * SAMPLES + (i % SAMPLES) + 0.5) * unit, (row * SAMPLES + Math.floor(i / SAMPLES) + 0.5) * unit);
        if (!c) continue;
        hits++;
        c.forEach((v, k) => (sum[k] += v));
      }
      const at = (row * px + col) * 4;
      if (hits) sum.forEach((v, k) => (rgba[at + k] = Math.round(v / hits)));
      rgba[at + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
  return rgba;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(px, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(px, 0);
  ihdr.writeUInt32BE(px, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.concat(Array.from({ length: px }, (_, r) => Buffer.concat([Buffer.from([0]), rgba.subarray(r * px * 4, (r + 1) * px * 4)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

for (const [name, px] of [['tray.png', 16], ['tray@2x.png', 32]]) {
  await writeFile(path.join(root, 'resources', name), png(px, draw(px)));
  console.log(`resources/${name}: ${px}×${px}`);
}
