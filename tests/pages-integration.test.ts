// The web pages: what a reader sees on the home page and a briefing page, autodiscovery, safety.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { compile, HOSTILE_FILE, HOSTILE_TITLE, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";
import { select } from "./support/html.ts";

const SITE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${SITE}${path}`, init));
const seed = compile(SEED_FILE).briefings[0]!;

async function page(path: string) {
  const res = await get(path);
  return { res, html: await res.text() };
}

describe("every page", () => {
  it.each(["/", `/briefings/${SEED_SLUG}`, "/tags/ukraine"])("%s advertises all three feeds", async (path) => {
    const { res, html } = await page(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const links = await select(html, 'link[rel="alternate"]');
    const types = links.map((l) => l.attrs.type);
    expect(types).toEqual(
      expect.arrayContaining(["application/rss+xml", "application/atom+xml", "application/feed+json"]),
    );
    for (const l of links)
      expect(l.attrs.href).toMatch(/^http:\/\/localhost:8787\/.*(feed\.xml|atom\.xml|feed\.json)$/);
  });

  it.each(["/", `/briefings/${SEED_SLUG}`, "/no-such-page"])(
    "%s runs no script and forbids inline script by CSP",
    async (path) => {
      const { res, html } = await page(path);
      expect(html).not.toMatch(/<script|\son[a-z]+=|style="/i);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    },
  );

  it("is readable on a phone: viewport meta and the stylesheet it links is served", async () => {
    const { html } = await page("/");
    expect((await select(html, 'meta[name="viewport"]'))[0]?.attrs.content).toBe("width=device-width, initial-scale=1");
    const css = await select(html, 'link[rel="stylesheet"]');
    const res = await get(css[0]?.attrs.href ?? "/missing");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(await res.text()).toContain("max-width");
  });
});

describe("the home page", () => {
  it("lists the latest briefing with its outcomes at a glance", async () => {
    const { html } = await page("/");
    const titles = await select(html, ".briefing-list h2 a");
    expect(titles.map((t) => t.text)).toEqual([seed.title]);
    expect(titles[0]?.attrs.href).toBe(`/briefings/${SEED_SLUG}`);
    const glance = await select(html, ".briefing-list ul.glance > li");
    expect(glance.map((g) => g.text)).toEqual(seed.outcomes.map((o) => o.headline));
  });

  it("has a subscribe form that posts an email and a cadence to /subscribe", async () => {
    const { html } = await page("/");
    const form = await select(html, "form.subscribe");
    expect(form[0]?.attrs).toMatchObject({ method: "post", action: "/subscribe" });
    const email = await select(html, 'form.subscribe input[name="email"]');
    expect(email[0]?.attrs).toMatchObject({ type: "email" });
    expect(email[0]?.attrs.required).toBeDefined();
    const cadence = await select(html, 'form.subscribe input[name="cadence"]');
    expect(cadence.map((c) => c.attrs.value)).toEqual(["instant", "daily", "weekly"]);
  });
});

describe("a briefing page", () => {
  it("shows the summary, the key outcomes in order with anchors and figures, the body and the source", async () => {
    const { html } = await page(`/briefings/${SEED_SLUG}`);
    expect((await select(html, "h1"))[0]?.text).toBe(seed.title);
    expect((await select(html, "p.summary"))[0]?.text).toBe(seed.summary);
    const items = await select(html, ".outcomes > ol > li");
    expect(items.map((i) => i.attrs.id)).toEqual(seed.outcomes.map((o) => o.id));
    const headlines = await select(html, ".outcomes li > strong");
    expect(headlines.map((h) => h.text)).toEqual(seed.outcomes.map((o) => o.headline));
    const figures = await select(html, ".figures li");
    expect(figures.map((f) => f.text)).toEqual([
      "Military assistance provided in H1 2024: 20.9 EUR bn",
      "Annual pledge: 40 EUR bn",
    ]);
    expect((await select(html, ".body h2")).map((h) => h.text)).toContain("Support to Ukraine");
    const source = await select(html, 'a[rel="noopener"]');
    expect(source[0]).toMatchObject({ text: "NATO", attrs: { href: "https://www.nato.int/" } });
    expect(html).toMatch(/Meeting of NATO Ministers of Defence, NATO Headquarters, Brussels, 17\s*–\s*18 October 2024/);
  });

  it("answers 304 to its own ETag", async () => {
    const { res } = await page(`/briefings/${SEED_SLUG}`);
    const again = await get(`/briefings/${SEED_SLUG}`, { headers: { "If-None-Match": res.headers.get("ETag") ?? "" } });
    expect(again.status).toBe(304);
  });

  it("404s an unknown slug with a page that leads back home", async () => {
    const { res, html } = await page("/briefings/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect((await select(html, "h1"))[0]?.text).toBe("Not found");
    expect((await select(html, 'main a[href="/"]')).length).toBe(1);
  });

  it("shows hostile text literally and never as markup", async () => {
    const app = createApp(compile(HOSTILE_FILE));
    const html = await (await app.request("/briefings/hostile", {}, { SITE_URL: SITE } as Env)).text();
    expect((await select(html, "h1"))[0]?.text).toBe(HOSTILE_TITLE);
    expect(html).not.toMatch(/<script|<img[^>]*onerror|<b>|javascript:/i);
    expect((await select(html, ".outcomes li > strong"))[0]?.text).toBe("Budget < 5 & > 3 ]]> ok");
  });
});
