// Mistakes that still make a valid site, so they warn instead of failing the build: a briefing copied
// to a second file (it would show twice everywhere), and a body so long that mail clients clip it and
// every feed carries it in full.

/** Gmail clips a message past 102 KB and hides the rest behind a link. */
export const CLIPPED_BODY_BYTES = 102 * 1024;

export interface CompiledFile {
  path: string;
  title: string;
  published: string;
  /** The Markdown as written. */
  body: string;
  /** The HTML every feed and page carries. */
  bodyHtml: string;
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString("en-GB")} KB`;
}

export function contentWarnings(files: readonly CompiledFile[]): string[] {
  const warnings: string[] = [];
  const byTitleAndDay = new Map<string, string>();
  const byBody = new Map<string, string>();
  for (const file of files) {
    const titleAndDay = `${file.title.toLowerCase()}\n${new Date(file.published).toISOString().slice(0, 10)}`;
    const first = byTitleAndDay.get(titleAndDay);
    if (first) warnings.push(`${file.path}: has the same title and date as ${first}: the briefing would show twice`);
    else byTitleAndDay.set(titleAndDay, file.path);
    const body = file.body.trim().replace(/\s+/g, " ");
    const sameBody = body ? byBody.get(body) : undefined;
    if (sameBody && !first) warnings.push(`${file.path}: has the same body as ${sameBody}: a copy?`);
    else if (body && !sameBody) byBody.set(body, file.path);
    const bytes = new TextEncoder().encode(file.bodyHtml).byteLength;
    if (bytes > CLIPPED_BODY_BYTES)
      warnings.push(
        `${file.path}: the body is ${kilobytes(bytes)}; mail clients clip messages over ${kilobytes(CLIPPED_BODY_BYTES)} (Gmail) and every feed carries it in full`,
      );
  }
  return warnings;
}
