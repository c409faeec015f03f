// The site's icon, drawn from a few shapes in a 64-unit square: a rounded tile in the accent colour with
// three white lines of text, the shortest last (a brief). The same geometry gives the SVG and, sampled,
// the PNG and ICO sizes that browsers and feed readers ask for.

export const ICON_COLOURS = { tile: "#0b5cad", lines: "#ffffff" } as const;

const TILE_RADIUS = 12;
/** Lines of text: x, y (top), width; all 7 units high with round ends. */
const LINES = [
  { x: 14, y: 17, w: 36 },
  { x: 14, y: 29, w: 36 },
  { x: 14, y: 41, w: 22 },
] as const;
const LINE_HEIGHT = 7;

export function iconSvg(): string {
  const lines = LINES.map(
    (l) =>
      `<rect x="${l.x}" y="${l.y}" width="${l.w}" height="${LINE_HEIGHT}" rx="${LINE_HEIGHT / 2}" fill="${ICON_COLOURS.lines}"/>`,
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="${TILE_RADIUS}" fill="${ICON_COLOURS.tile}"/>${lines}</svg>\n`;
}

/** Inside a rectangle with rounded corners of radius r (units of the 64 square). */
function inRoundedRect(px: number, py: number, x: number, y: number, w: number, h: number, r: number): boolean {
  if (px < x || px > x + w || py < y || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const SAMPLES = 4;

/** RGBA pixels of the icon at size × size, edges smoothed by 4 × 4 samples per pixel. */
export function iconPixels(size: number): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const tile = hexRgb(ICON_COLOURS.tile);
  const lines = hexRgb(ICON_COLOURS.lines);
  const unit = 64 / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let onTile = 0;
      let onLine = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = (x + (sx + 0.5) / SAMPLES) * unit;
          const py = (y + (sy + 0.5) / SAMPLES) * unit;
          if (!inRoundedRect(px, py, 0, 0, 64, 64, TILE_RADIUS)) continue;
          onTile++;
          if (LINES.some((l) => inRoundedRect(px, py, l.x, l.y, l.w, LINE_HEIGHT, LINE_HEIGHT / 2))) onLine++;
        }
      }
      const i = (y * size + x) * 4;
      const mix = onTile ? onLine / onTile : 0;
      for (let c = 0; c < 3; c++) out[i + c] = Math.round((tile[c] as number) * (1 - mix) + (lines[c] as number) * mix);
      out[i + 3] = Math.round((255 * onTile) / (SAMPLES * SAMPLES));
    }
  }
  return out;
}
