// Every page a reader meets, audited in a real browser (Debian Chromium) as a screen reader and a
// validator would see it: axe-core's WCAG 2.1 A/AA rules in the light and the dark colour scheme (no
// violation of impact serious or critical), and html-validate's recommended rules on the HTML as served.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { HtmlValidate } from "html-validate";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser.ts";
import { type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const ADMIN = { Authorization: "Bearer dev-admin-token" };

// The recommended preset, minus house style that is a choice, not a fault (also listed in docs/development.md):
// - doctype-style: the pages write `<!doctype html>` in lower case (HTML's syntax is case-insensitive).
// - long-title: a briefing's <title> is its whole title as written; screen readers announce it and tabs
//   show it, and search engines shorten titles themselves. The rule is an SEO length heuristic.
// - form-dup-name: checkboxes that share a name are one multi-valued field ("topics"), as HTML forms
//   intend; the rule still checks every other control.
const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: {
    "doctype-style": "off",
    "long-title": "off",
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
  },
});

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

let worker: LocalWorker;
let browser: Browser;
const pages: [name: string, path: string][] = [];

async function waitForMail(to: string, subject: RegExp): Promise<{ text: string }> {
  for (let i = 0; i < 200; i++) {
    const { messages } = (await (await fetch(`${worker.url}/outbox.json`)).json()) as {
      messages: { to: string; subject: string; text: string }[];
    };
    const found = messages.find((m) => m.to === to && subject.test(m.subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail "${subject}" to ${to}`);
}

function linkIn(text: string, kind: string): string {
  const match = new RegExp(`${worker.url}((?:/[a-z]{2,3})?/${kind}/[A-Za-z0-9._-]+)`).exec(text);
  if (!match) throw new Error(`no ${kind} link`);
  return match[1] as string;
}

/** A reader with confirm, unsubscribe and preferences links, and a sent digest edition. */
async function subscribe(email: string, language = "en"): Promise<string> {
  await fetch(`${worker.url}/subscribe`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, language }),
  });
  return linkIn((await waitForMail(email, /^Confirm/)).text, "confirm");
}

async function makeReaderPages() {
  // One reader stays pending, so their confirm link shows the confirm page with its button.
  const pendingConfirm = await subscribe("audit.pending@example.org");
  const email = "audit.reader@example.org";
  const confirm = await subscribe(email);
  await fetch(`${worker.url}${confirm}`, { method: "POST" });
  const welcome = (await waitForMail(email, /^You're subscribed/)).text;
  // A French reader: their confirm, preferences and unsubscribe pages are in French.
  const frenchEmail = "audit.lecteur@example.org";
  const frenchConfirm = await subscribe(frenchEmail, "fr");
  const frenchConfirmPage = frenchConfirm;
  await fetch(`${worker.url}${frenchConfirm}`, { method: "POST" });
  const bienvenue = (await waitForMail(frenchEmail, /^Vous êtes abonné/)).text;

  await fetch(`${worker.url}/admin/digest/run`, {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ cadence: "daily", from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
  });
  await waitForMail(email, /^briefwire: /);
  const archive = await (await fetch(`${worker.url}/digests`)).text();
  const edition = /href="(\/digests\/[^"]+)"/.exec(archive)?.[1];
  if (!edition) throw new Error("no edition in the archive");

  pages.push(
    ["home", "/"],
    ["briefing", "/briefings/nato-defence-ministers-october-2024"],
    ["tag", "/tags/ukraine"],
    ["digest archive", "/digests"],
    ["digest edition", edition],
    ["confirm", pendingConfirm],
    ["unsubscribe", linkIn(welcome, "unsubscribe")],
    ["preferences", linkIn(welcome, "preferences")],
    ["outbox", "/outbox"],
    ["not found", "/no-such-page"],
    ["JSON Feed extension", "/about/json-feed-extension"],
    ["home in French", "/fr/"],
    ["briefing in French", "/fr/briefings/nato-defence-ministers-october-2024"],
    ["tag in French", "/fr/tags/ukraine"],
    ["not found in French", "/fr/nulle-part"],
    ["confirmed in French", frenchConfirmPage],
    ["preferences in French", linkIn(bienvenue, "preferences")],
    ["unsubscribe in French", linkIn(bienvenue, "unsubscribe")],
    ["digest archive in French", "/fr/digests"],
    ["digest edition in French", `/fr${edition}`],
  );
}

beforeAll(async () => {
  [worker, browser] = await Promise.all([startLocalWorker(), launchChromium()]);
  await makeReaderPages();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function axeViolations(path: string, colorScheme: "light" | "dark"): Promise<string[]> {
  // The site's CSP allows no script at all; the audit's own script is let in by the browser, not the site.
  const context = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 1000, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${worker.url}${path}`);
    await page.addScriptTag({ content: axeSource });
    const result = (await page.evaluate(() =>
      (globalThis as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      }),
    )) as AxeResult;
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  } finally {
    await context.close();
  }
}

describe("every page a reader meets", () => {
  it("covers the pages the issue lists", () => {
    expect(pages.map(([name]) => name)).toEqual(
      expect.arrayContaining(["home", "briefing", "tag", "digest archive", "digest edition", "confirm"]),
    );
    expect(pages).toHaveLength(20);
  });

  it.each([
    "home",
    "briefing",
    "tag",
    "digest archive",
    "digest edition",
    "confirm",
    "unsubscribe",
    "preferences",
    "outbox",
    "not found",
    "JSON Feed extension",
    "home in French",
    "briefing in French",
    "tag in French",
    "not found in French",
    "confirmed in French",
    "preferences in French",
    "unsubscribe in French",
    "digest archive in French",
    "digest edition in French",
  ])(
    "%s: no serious or critical axe-core violation in light and dark, no html-validate error",
    async (name) => {
      const path = pages.find(([n]) => n === name)?.[1] as string;
      for (const scheme of ["light", "dark"] as const) {
        expect(await axeViolations(path, scheme), `${name} (${scheme})`).toEqual([]);
      }
      const html = await (await fetch(`${worker.url}${path}`)).text();
      const report = await validator.validateString(html);
      const errors = report.results.flatMap((r) =>
        r.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId} (line ${m.line}): ${m.message}`),
      );
      expect(errors, name).toEqual([]);
    },
    60_000,
  );

  it("the confirm page is the one with the button", async () => {
    const path = pages.find(([n]) => n === "confirm")?.[1] as string;
    const html = await (await fetch(`${worker.url}${path}`)).text();
    expect(html).toContain("Confirm my subscription</button>");
  });

  it("the preferences groups have names a screen reader announces", async () => {
    const path = pages.find(([n]) => n === "preferences")?.[1] as string;
    const page = await browser.newPage();
    try {
      await page.goto(`${worker.url}${path}`);
      await expect.poll(() => page.getByRole("group", { name: "How often" }).count()).toBe(1);
      expect(await page.getByRole("group", { name: "Topics" }).count()).toBe(1);
      expect(await page.getByRole("group", { name: "Topics" }).getByRole("checkbox").count()).toBe(4);
    } finally {
      await page.close();
    }
  });
});
