/**
 * Where each agent goes in the room for each state, and the path it walks
 * there along the aisles (never through a desk).
 */
import { DESKS, TABLE } from './office-room.js';
import type { OfficeAgent } from './office-state.js';

export interface Point {
  x: number;
  y: number;
}

export interface Spot extends Point {
  /** The aisle this spot opens onto. */
  exitY: number;
  facing: 'front' | 'back';
}

/** The corridor between the desks and the meeting area, where agents change aisles. */
const CORRIDOR_X = 190;
const coffeeSpots: Point[] = [
  { x: 12, y: 76 },
  { x: 38, y: 78 },
  { x: 9, y: 112 },
  { x: 43, y: 113 },
  { x: 14, y: 142 },
  { x: 38, y: 144 },
];

export function deskSpot(seat: number): Spot {
  const d = DESKS[seat % DESKS.length] as (typeof DESKS)[number];
  return { x: d.x + 17, y: d.y + 26, exitY: d.y < 100 ? 100 : 146, facing: 'back' };
}

export function spotOf(a: OfficeAgent): Spot {
  if (a.spot === 'coffee') {
    const p = coffeeSpots[a.seat % coffeeSpots.length] as Point;
    return { ...p, exitY: 100, facing: 'front' };
  }
  if (a.spot === 'table') {
    const i = a.seat % 6;
    const x = TABLE.x + 13 + (i % 3) * 22;
    // Seats 0–2 behind the table (facing us), 3–5 in front of it.
    return i < 3 ? { x, y: TABLE.y + 2, exitY: 90, facing: 'front' } : { x, y: TABLE.y + TABLE.h + 14, exitY: 146, facing: 'back' };
  }
  const desk = deskSpot(a.seat);
  // Celebrating: up on their feet in front of the chair, facing the room.
  return a.state === 'celebrating' ? { ...desk, y: desk.y + 4, facing: 'front' } : desk;
}

/** Waypoints from `from` (leaving through its aisle) to `to`. */
export function pathBetween(from: Point & { exitY: number }, to: Spot): Point[] {
  const pts: Point[] = [{ x: from.x, y: from.exitY }];
  if (from.exitY !== to.exitY) pts.push({ x: CORRIDOR_X, y: from.exitY }, { x: CORRIDOR_X, y: to.exitY });
  pts.push({ x: to.x, y: to.exitY }, { x: to.x, y: to.y });
  // Drop steps that go nowhere.
  return pts.filter((p, i) => {
    const prev = i === 0 ? from : pts[i - 1];
    return !prev || prev.x !== p.x || prev.y !== p.y;
  });
}
