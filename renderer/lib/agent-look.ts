/** Each agent's colour and glyph on the stage. Unknown agents get a stable colour from their id. */
const palette: Record<string, { hue: number; glyph: string }> = {
  opus: { hue: 38, glyph: '◆' },
  brain: { hue: 192, glyph: '◎' },
  growth: { hue: 142, glyph: '▲' },
  creator: { hue: 328, glyph: '✦' },
  'twitter-alt': { hue: 268, glyph: '✕' },
  observer: { hue: 220, glyph: '◉' },
};

function hashHue(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 360;
}

export interface AgentLook {
  hue: number;
  glyph: string;
  color: string;
  soft: string;
}

export function agentLook(id: string | null | undefined): AgentLook {
  if (!id) return { hue: 0, glyph: '⚙', color: 'hsl(220 10% 62%)', soft: 'hsl(220 10% 62% / 0.14)' };
  const p = palette[id] ?? { hue: hashHue(id), glyph: id.slice(0, 1).toUpperCase() };
  return { ...p, color: `hsl(${p.hue} 80% 64%)`, soft: `hsl(${p.hue} 80% 64% / 0.14)` };
}
