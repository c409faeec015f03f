// Where the site's icons are served, for pages, feeds and link previews to point at.

/** PNG sizes served as /icon-<size>.png: favicon (64), RSS image (≤ 144 wide), touch icon (180), feed/preview icon (512). */
export const PNG_SIZES = [64, 144, 180, 512] as const;
export type PngSize = (typeof PNG_SIZES)[number];
/** Sizes inside /favicon.ico. */
export const ICO_SIZES = [16, 32, 48] as const;

export const ICON_PATHS = {
  ico: "/favicon.ico",
  svg: "/icon.svg",
  /** The name iOS and many readers ask for without being told. */
  touch: "/apple-touch-icon.png",
  png: (size: PngSize) => `/icon-${size}.png`,
};

export function iconUrls(base: string) {
  return {
    ico: `${base}${ICON_PATHS.ico}`,
    svg: `${base}${ICON_PATHS.svg}`,
    favicon: `${base}${ICON_PATHS.png(64)}`,
    rssImage: { url: `${base}${ICON_PATHS.png(144)}`, width: 144, height: 144 },
    large: { url: `${base}${ICON_PATHS.png(512)}`, width: 512, height: 512 },
  };
}
