// The site's only stylesheet, served from /assets/site.css (the CSP allows no inline style or script).
export const SITE_CSS = `
/* --on-accent is the text on an accent-coloured button: white on the light theme's dark blue (6.7:1),
   near-black on the dark theme's light blue (8.6:1). WCAG AA asks 4.5:1 for either. */
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #fff; --accent: #0b5cad; --on-accent: #fff; --line: #d8dde3; --card: #f5f7f9; --error: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8ebef; --muted: #a5adb8; --bg: #111418; --accent: #7db4ff; --on-accent: #111418; --line: #2c333b; --card: #1a1f25; --error: #ffb4ab; } }
* { box-sizing: border-box; }
body { margin: 0; font: 1.05rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
.wrap { max-width: 44rem; margin: 0 auto; padding: 1rem 1.1rem 3rem; }
a { color: var(--accent); }
header.site { border-bottom: 1px solid var(--line); margin-bottom: 1.5rem; }
header.site .wrap { padding-bottom: 0.8rem; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: baseline; justify-content: space-between; }
header.site a.brand { font-weight: 700; font-size: 1.3rem; text-decoration: none; color: var(--fg); }
header.site p { margin: 0; color: var(--muted); font-size: 0.95rem; }
header.site ul.languages { list-style: none; display: flex; gap: 0.8rem; margin: 0; padding: 0; font-size: 0.95rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
.outcomes h2 { margin-top: 0.5rem; }
.meta { color: var(--muted); font-size: 0.92rem; }
.summary { font-size: 1.12rem; }
.outcomes { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 1.2rem 0.8rem; }
.outcomes ol { padding-left: 1.3rem; margin: 0.4rem 0; }
.outcomes li { margin: 0.45rem 0; }
.outcomes li:target { outline: 2px solid var(--accent); outline-offset: 4px; border-radius: 2px; }
.figures { margin: 0.2rem 0 0; padding-left: 1.1rem; color: var(--muted); font-size: 0.95rem; }
.briefing-list { list-style: none; padding: 0; margin: 0; }
.briefing-list > li { border-bottom: 1px solid var(--line); padding: 1rem 0; }
.briefing-list h2 { margin: 0.1rem 0 0.3rem; font-size: 1.2rem; }
.briefing-list ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
.tags { display: flex; flex-wrap: wrap; gap: 0.4rem; padding: 0; list-style: none; margin: 0.6rem 0; }
.tags a { font-size: 0.85rem; border: 1px solid var(--line); border-radius: 999px; padding: 0.05rem 0.6rem; text-decoration: none; }
form.subscribe { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 1.5rem 0; }
form.subscribe h2 { margin: 0 0 0.4rem; font-size: 1.1rem; }
form.subscribe .row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
form.subscribe input[type=email] { flex: 1 1 14rem; min-width: 0; font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
fieldset { border: 0; padding: 0; margin: 0.6rem 0 0; display: flex; gap: 1rem; flex-wrap: wrap; }
button { font: inherit; font-weight: 600; padding: 0.45rem 1rem; border: 0; border-radius: 6px; background: var(--accent); color: var(--on-accent); cursor: pointer; }
footer.site { border-top: 1px solid var(--line); margin-top: 2rem; color: var(--muted); font-size: 0.9rem; }
footer.site ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }
img { max-width: 100%; height: auto; }
.error { color: var(--error); font-weight: 600; }
.notice { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; }
form.inline { display: inline; }
fieldset legend { padding: 0; }
form.preferences fieldset { display: block; margin-top: 1.5rem; }
form.preferences legend { font-size: 1.25rem; font-weight: 700; margin-bottom: 0.4rem; }
form.preferences .choices { display: flex; gap: 0.3rem 1rem; flex-wrap: wrap; }
form.preferences .topics { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.3rem 1rem; }
.outbox-list { list-style: none; padding: 0; }
.outbox-list li { border-bottom: 1px solid var(--line); padding: 0.6rem 0; }
iframe.mail { width: 100%; height: 70vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; margin-bottom: 0.4rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.35rem 0.6rem 0.35rem 0; }
pre.mail-text, pre.headers { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--card); padding: 0.8rem; border-radius: 6px; font-size: 0.85rem; }
/* The publisher's console (/admin/): a wider page for tables, the nav wrapping at phone width. */
body.console .wrap { max-width: 64rem; }
nav.console ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 1.1rem; margin: 0; padding: 0; align-items: baseline; }
nav.console a[aria-current=page] { font-weight: 700; color: var(--fg); }
nav.console form { margin: 0; }
button.link { background: none; color: var(--accent); padding: 0; font-weight: 400; text-decoration: underline; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1.2rem; margin: 1rem 0; }
.panel input[type=password], .panel input[type=email], .panel input[type=search] { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); max-width: 100%; width: 22rem; }
.panel select { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); max-width: 100%; }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1.2rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.6rem; list-style: none; padding: 0; margin: 1rem 0; }
.tiles li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.8rem; }
.tiles strong { display: block; font-size: 1.4rem; }
.scroll { overflow-x: auto; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: var(--error); font-weight: 700; }
.actions { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; }
`;
