// The console's shell: the site's stylesheet (light and dark), a nav, a sign-out button, and at most
// one small script of its own (/admin/console.js) that only enhances what works without it.
import { html, raw } from "hono/html";
import type { Site } from "../content/schema.ts";
import { ICON_PATHS } from "../icons/paths.ts";
import type { Html } from "../web/layout.ts";

export interface ConsoleContext {
  content: { site: Site; version: string };
}

export interface ConsolePageShell {
  title: string;
  /** The console path this page is (the nav marks it), e.g. "/admin/editions". */
  path: string;
  main: Html;
  /** Signed in: the nav and the sign-out button. Signed out: neither. */
  nav: boolean;
  /** Pages that refresh themselves load the console's script. */
  script?: boolean;
}

export const CONSOLE_SCRIPT_PATH = "/admin/console.js";

const NAV: { label: string; href: string }[] = [
  { label: "Overview", href: "/admin/" },
  // The subscribers pages (search, a reader's history, import, export) mount at /admin/subscribers.
  { label: "Subscribers", href: "/admin/subscribers" },
  { label: "Editions", href: "/admin/editions" },
  { label: "Briefings", href: "/admin/briefings" },
];

function nav(current: string) {
  const isCurrent = (href: string) => (href === "/admin/" ? current === href : current.startsWith(href));
  return html`<nav class="console" aria-label="Console">
<ul>
${NAV.map(
  (item) =>
    html`<li><a href="${item.href}"${isCurrent(item.href) ? raw(' aria-current="page"') : raw("")}>${item.label}</a></li>
`,
)}<li><form method="post" action="/admin/sign-out"><button type="submit" class="link">Sign out</button></form></li>
</ul>
</nav>`;
}

export function consolePage(ctx: ConsoleContext, shell: ConsolePageShell): Html {
  const site = ctx.content.site;
  return html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${shell.title} · ${site.title} console</title>
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="${ICON_PATHS.svg}" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css?v=${ctx.content.version}">
${shell.script ? html`<script src="${CONSOLE_SCRIPT_PATH}" defer></script>` : raw("")}
</head>
<body class="console">
<header class="site"><div class="wrap"><a class="brand" href="/admin/">${site.title} console</a>${shell.nav ? nav(shell.path) : raw("")}</div></header>
<main class="wrap">
${shell.main}
</main>
<footer class="site"><div class="wrap"><p><a href="/">${site.title}</a> · the public site</p></div></footer>
</body>
</html>`;
}
