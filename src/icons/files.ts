// The icon files, made from the drawing on first request and kept for the isolate's life (they
// depend on nothing but the code).
import { iconPixels, iconSvg } from "./mark.ts";
import { ICO_SIZES, ICON_PATHS, PNG_SIZES, type PngSize } from "./paths.ts";
import { encodeIco, encodePng } from "./png.ts";

export interface IconFile {
  body: Uint8Array | string;
  contentType: string;
}

const made = new Map<string, Promise<IconFile>>();

function png(size: number): Promise<Uint8Array> {
  return encodePng(size, size, iconPixels(size));
}

async function make(path: string): Promise<IconFile | undefined> {
  if (path === ICON_PATHS.svg) return { body: iconSvg(), contentType: "image/svg+xml" };
  if (path === ICON_PATHS.ico) {
    const images = await Promise.all(ICO_SIZES.map(async (size) => ({ size, png: await png(size) })));
    return { body: encodeIco(images), contentType: "image/x-icon" };
  }
  if (path === ICON_PATHS.touch) return { body: await png(180), contentType: "image/png" };
  const size = PNG_SIZES.find((s: PngSize) => ICON_PATHS.png(s) === path);
  return size ? { body: await png(size), contentType: "image/png" } : undefined;
}

export const ICON_FILES = [ICON_PATHS.ico, ICON_PATHS.svg, ICON_PATHS.touch, ...PNG_SIZES.map(ICON_PATHS.png)];

export async function iconFile(path: string): Promise<IconFile | undefined> {
  if (!ICON_FILES.includes(path)) return undefined;
  let file = made.get(path);
  if (!file) {
    file = make(path) as Promise<IconFile>;
    made.set(path, file);
  }
  return file;
}
