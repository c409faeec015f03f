// Renders every mail template in emails/ with its PreviewProps to dist/emails/ and serves them offline.
// `npm run email` → http://localhost:3055 (PORT overrides); `--once` writes the files and exits.
// Node strips types from .ts but not .tsx, so the templates go through esbuild first.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { type ComponentType, createElement } from "react";
import { renderMail } from "../src/mail/render.ts";

const root = join(import.meta.dirname, "..");
const emailsDir = join(root, "emails");
const outDir = join(root, "dist", "emails");
// Inside the project so the bundles' bare imports (react, @react-email/*) resolve to its node_modules,
// one React for the templates and the renderer.
const bundleDir = join(outDir, ".bundle");
const port = Number(process.env.PORT ?? 3055);

interface Rendered {
  name: string;
  html: string;
  text: string;
}

type Template = ComponentType<Record<string, unknown>> & { PreviewProps?: Record<string, unknown> };

let generation = 0;
let pending: Promise<Rendered[]> | undefined;

/** One render at a time: requests that arrive meanwhile (a page and its favicon) share it. */
function renderFresh(): Promise<Rendered[]> {
  pending ??= renderAll().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function renderAll(): Promise<Rendered[]> {
  const names = readdirSync(emailsDir)
    .filter((f) => f.endsWith(".tsx"))
    .sort()
    .map((f) => basename(f, ".tsx"));
  // A fresh folder per run: Node caches modules by URL, so an edited template needs a new one.
  generation += 1;
  const dir = join(bundleDir, String(generation));
  rmSync(bundleDir, { recursive: true, force: true });
  await build({
    entryPoints: names.map((n) => join(emailsDir, `${n}.tsx`)),
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    jsx: "automatic",
    logLevel: "error",
  });
  const out: Rendered[] = [];
  for (const name of names) {
    const mod = (await import(pathToFileURL(join(dir, `${name}.mjs`)).href)) as { default?: Template };
    const Template = mod.default;
    if (!Template?.PreviewProps) {
      console.warn(`emails/${name}.tsx: no default export with PreviewProps, skipped`);
      continue;
    }
    const element = createElement(Template, Template.PreviewProps);
    // The same two parts the Worker sends (renderMail: text in the writer's case, tidied).
    const { html, text } = await renderMail(element);
    writeFileSync(join(outDir, `${name}.html`), html);
    writeFileSync(join(outDir, `${name}.txt`), text);
    out.push({ name, html, text });
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function indexPage(mails: Rendered[]): string {
  const kb = (s: string) => (Buffer.byteLength(s) / 1024).toFixed(1);
  const rows = mails
    .map((m) => {
      const n = escapeHtml(m.name);
      return `<li><a href="/${n}.html">${n}</a> · <a href="/${n}.txt">plain text</a> · ${kb(m.html)} KB HTML</li>`;
    })
    .join("\n");
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Mail previews</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;line-height:1.6">
<h1>Mail previews</h1><p>Each template in emails/ rendered with its PreviewProps; reload to pick up edits.</p>
<ul>
${rows}
</ul></body></html>`;
}

mkdirSync(outDir, { recursive: true });
const first = await renderFresh();
console.log(`rendered ${first.length} mail(s) to ${outDir}`);

if (process.argv.includes("--once")) {
  rmSync(bundleDir, { recursive: true, force: true });
} else {
  const server = createServer(async (req, res) => {
    try {
      // Render on every request, so a reload shows the template as it is on disk now.
      const mails = await renderFresh();
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(indexPage(mails));
        return;
      }
      // Only the names just rendered are served: nothing else on disk is reachable.
      const mail = mails.find((m) => path === `/${m.name}.html` || path === `/${m.name}.txt`);
      if (!mail) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
        return;
      }
      const html = path.endsWith(".html");
      res
        .writeHead(200, { "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8" })
        .end(html ? mail.html : mail.text);
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`${e instanceof Error ? e.stack : e}\n`);
    }
  });
  // Loopback only: previews are for the person at this machine.
  server.listen(port, "127.0.0.1", () => console.log(`mail previews: http://localhost:${port}/`));
}
