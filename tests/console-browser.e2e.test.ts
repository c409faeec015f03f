// The publisher's console in a real browser (Debian Chromium) against `wrangler dev`: sign in (a wrong
// token refused), a form posted from another site refused, Run now → progress to done, the preview's
// sandboxed frame and Send test, search → a reader → Erase, sign out; and every console page audited as
// the reader pages are (axe-core WCAG 2.1 A/AA in light and dark, html-validate's recommended rules on
// the HTML served).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HtmlValidate } from "html-validate";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser.ts";
import { freePort, type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const root = join(import.meta.dirname, "..");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const ADMIN = { Authorization: "Bearer dev-admin-token" };
// The same preset and exceptions as the reader pages' audit (tests/reader-pages-audit.e2e.test.ts).
const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: {
    "doctype-style": "off",
    "long-title": "off",
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
  },
});

let worker: LocalWorker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let data: string;
/** Another origin on the same site (localhost, another port): SameSite=Strict still sends the cookie. */
let otherSite: Server;
let otherSiteUrl: string;
/** The import's page, from the import test, for the audit. */
let importPath = "";
/** What the browser reported as errors on the console's pages (a CSP refusal among them). */
const browserErrors: string[] = [];

function freshBriefing(): string {
  const published = new Date(Date.now() - 3_600_000).toISOString();
  return `---\ntitle: Fresh console briefing\npublished: ${published}\nsummary: What the console sends.\ntags: [console]\noutcomes:\n  - id: first\n    headline: The console outcome\n---\nBody.\n`;
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "briefwire-console-data-"));
  mkdirSync(join(data, "briefings"));
  execFileSync("cp", [join(root, "data", "site.yaml"), data]);
  execFileSync("cp", [
    join(root, "data", "briefings", "nato-defence-ministers-october-2024.md"),
    join(data, "briefings"),
  ]);
  writeFileSync(join(data, "briefings", "fresh-console-briefing.md"), freshBriefing());
  [worker, browser] = await Promise.all([startLocalWorker({ env: { BRIEFWIRE_DATA: data } }), launchChromium()]);
  const imported = await fetch(`${worker.url}/admin/subscribers/import`, {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "text/csv" },
    body: "email,cadence\nc1@example.org,daily\nc2@example.org,daily\nc3@example.org,daily\n",
  });
  expect(imported.status).toBe(200);
  const port = await freePort();
  otherSiteUrl = `http://localhost:${port}`;
  otherSite = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>Another site</title>
<form method="post" action="${worker.url}/admin/editions/run/daily"><button>Win a prize</button></form>`);
  });
  await new Promise<void>((resolve) => otherSite.listen(port, "127.0.0.1", resolve));
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  page = await context.newPage();
  // A refused sign-in (401) and a refused test address (400) are pages the tests ask for: not errors.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[01] /.test(m.text())) browserErrors.push(m.text());
  });
  page.on("pageerror", (e) => browserErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await worker?.stop();
  await new Promise((r) => otherSite?.close(r));
  if (data) rmSync(data, { recursive: true, force: true });
});

describe("the console in a browser (phone width)", () => {
  it("sign in: a wrong token is refused with a message, the right one opens the overview", async () => {
    await page.goto(`${worker.url}/admin/`);
    await page.getByLabel("Admin token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not the admin token/);
    expect(await page.getByLabel("Admin token").count()).toBe(1);
    await page.getByLabel("Admin token").fill("dev-admin-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    expect(await page.getByRole("navigation", { name: "Console" }).getByRole("link").allTextContents()).toEqual([
      "Overview",
      "Subscribers",
      "Editions",
      "Briefings",
    ]);
  });

  it("a form posted from another site, with the session cookie sent along: 403, and no edition", async () => {
    const other = await context.newPage();
    try {
      await other.goto(otherSiteUrl);
      const [response] = await Promise.all([
        other.waitForResponse((r) => r.url().endsWith("/admin/editions/run/daily")),
        other.getByRole("button", { name: "Win a prize" }).click(),
      ]);
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain("nothing was changed");
    } finally {
      await other.close();
    }
    await page.goto(`${worker.url}/admin/editions`);
    expect(await page.getByText("No edition has been sent yet.").count()).toBe(1);
  });

  it("the preview: the mail in a sandboxed frame, its text, and Send test keeps a malformed address with the reason", async () => {
    await page.goto(`${worker.url}/admin/editions/preview/daily`);
    const frame = page.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    await expect
      .poll(() => page.frameLocator("iframe").getByText("The console outcome").count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.locator("pre.mail-text").textContent()).toContain("The console outcome");
    await page.getByLabel("Test address").fill("publisher at example");
    await page.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => page.locator("#to-error").textContent()).toMatch(/^Test address: /);
    expect(await page.getByLabel("Test address").inputValue()).toBe("publisher at example");
    await page.getByLabel("Test address").fill("publisher@example.org");
    await page.getByRole("button", { name: "Send test" }).click();
    await expect
      .poll(() => page.getByRole("status").first().textContent())
      .toMatch(/^Test sent to publisher@example.org/);
  });

  // Its polls wait up to a minute for the edition to finish: on a busy machine 5 s is not enough.
  it("Run now: a confirmation with what and to how many, then the edition's page follows it to done", async () => {
    await page.goto(`${worker.url}/admin/editions`);
    await page.getByRole("link", { name: "Run daily now…" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Run the daily edition now?");
    expect(await page.locator("main").textContent()).toMatch(/1 briefing to 3 readers/);
    await page.getByRole("button", { name: "Run now" }).click();
    await page.waitForURL(/\/admin\/editions\/daily-\d{4}-\d\d-\d\d$/);
    // In flight the page refreshes itself (console.js polls the JSON progress); done, it shows the totals.
    await expect
      .poll(() => page.locator("[data-field=status]").textContent(), { timeout: 60_000, interval: 500 })
      .toBe("done");
    await expect.poll(() => page.locator("td[data-field=sent]").textContent(), { timeout: 10_000 }).toBe("3");
    const id = new URL(page.url()).pathname.split("/").at(-1) as string;
    await page.goto(`${worker.url}/admin/editions`);
    expect(await page.getByRole("link", { name: id }).getAttribute("href")).toBe(`/admin/editions/${id}`);
  }, 90_000);

  it("search → a reader's page → Erase behind a confirmation: the reader is gone from the search", async () => {
    const heading = () => page.getByRole("heading", { level: 1 }).textContent();
    const search = async (text: string) => {
      await page.getByLabel("Search subscribers").fill(text);
      await page.getByRole("button", { name: "Search", exact: true }).click();
    };
    await page.goto(`${worker.url}/admin/`);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Subscribers" }).click();
    await expect.poll(heading).toBe("Subscribers");
    await search("c3@");
    await page.getByRole("link", { name: "c3@example.org" }).click();
    await page.waitForURL(/\/admin\/subscribers\/\d+$/);
    await expect.poll(heading).toBe("c3@example.org");
    await page.getByRole("button", { name: "Erase" }).click();
    await expect.poll(heading).toBe("Erase c3@example.org?");
    await page.getByRole("button", { name: "Erase" }).click();
    await expect.poll(heading).toMatch(/^Reader #\d+ is erased$/);
    await page.getByRole("link", { name: "All subscribers" }).click();
    await search("c3");
    await expect.poll(() => page.getByText("No subscriber matches.").count()).toBe(1);
    expect(await page.getByRole("link", { name: "c3@example.org" }).count()).toBe(0);
  });

  it("import: upload a CSV with one bad line, follow the import to done, see that line in the report", async () => {
    await page.goto(`${worker.url}/admin/subscribers/import`);
    expect(await page.title()).toMatch(/^Import subscribers/);
    await page.getByLabel("CSV file").setInputFiles({
      name: "readers.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "email,cadence,tags\nimp1@example.org,daily,\nnot-an-address,daily,\nimp2@example.org,weekly,\n",
      ),
    });
    await page.getByRole("button", { name: "Import" }).click();
    await page.waitForURL(/\/admin\/subscribers\/import\/[0-9a-f-]{36}$/);
    importPath = new URL(page.url()).pathname;
    // The queue applies the file in the background; the page follows it (console.js) to done.
    await expect
      .poll(() => page.locator("[data-field=status]").textContent(), { timeout: 60_000, interval: 500 })
      .toBe("done");
    expect(await page.locator("td[data-field=added]").textContent()).toBe("2");
    const row = page.getByRole("row", { name: /^3 invalid/ });
    expect(await row.textContent()).toMatch(/email must look like name@example\.org/);
  });

  it("the pages so far loaded everything they use: no script error, no CSP refusal", () => {
    expect(browserErrors).toEqual([]);
  });

  it("an edition in flight updates its numbers in place from the JSON progress (console.js)", async () => {
    // A page shaped like an in-flight edition's, on the console's origin, loading the real script; the
    // progress it polls is answered here, so the test does not depend on catching a real edition mid-send.
    const fixture = `${worker.url}/admin/editions/fixture-in-flight`;
    let polls = 0;
    await page.route(fixture, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>In flight</title><script src="/admin/console.js" defer></script>
<section data-progress-url="/admin/digests/fixture-in-flight"><strong data-field="status">sending</strong>
<span data-field="sent">0</span><span data-field="pending">300</span></section>`,
      }),
    );
    await page.route(`${worker.url}/admin/digests/fixture-in-flight`, (route) => {
      polls++;
      return route.fulfill({ json: { status: "sending", sent: 1200, pending: 100 } });
    });
    try {
      await page.goto(fixture);
      await expect.poll(() => page.locator("[data-field=sent]").textContent(), { timeout: 15_000 }).toBe("1,200");
      expect(await page.locator("[data-field=pending]").textContent()).toBe("100");
      expect(polls).toBeGreaterThan(0);
    } finally {
      await page.unrouteAll();
    }
  }, 30_000);

  it("sign out ends the session", async () => {
    await page.goto(`${worker.url}/admin/`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByLabel("Admin token").count()).toBe(1);
    await page.goto(`${worker.url}/admin/editions`);
    expect(await page.getByLabel("Admin token").count()).toBe(1);
    expect(await page.getByText("No edition has been sent yet.").count()).toBe(0);
  });
});

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** A session cookie for the audit's own requests (fetch) and browser contexts. */
async function sessionCookie(): Promise<string> {
  const res = await fetch(`${worker.url}/admin/sign-in`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: worker.url },
    body: "token=dev-admin-token",
    redirect: "manual",
  });
  return (res.headers.get("Set-Cookie") ?? "").split(";")[0] as string;
}

async function axeViolations(path: string, colorScheme: "light" | "dark", cookie: string | null) {
  const audit = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 1000, height: 900 } });
  try {
    if (cookie) {
      const [name, value] = cookie.split(/=(.*)/s) as [string, string];
      await audit.addCookies([{ name, value, url: `${worker.url}/admin/` }]);
    }
    const tab = await audit.newPage();
    await tab.goto(`${worker.url}${path}`);
    await tab.addScriptTag({ content: axeSource });
    const result = (await tab.evaluate(() =>
      (globalThis as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      }),
    )) as AxeResult;
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  } finally {
    await audit.close();
  }
}

describe("every console page, audited", () => {
  it.each([
    ["sign-in", "/admin/", false],
    ["overview", "/admin/", true],
    ["editions", "/admin/editions", true],
    ["an edition", "edition", true],
    ["run now confirmation", "/admin/editions/run/weekly", true],
    ["preview", "/admin/editions/preview/instant", true],
    // Run now above mailed the only new briefing on the daily cadence: its preview shows the sample.
    ["preview with a sample", "/admin/editions/preview/daily", true],
    ["briefings", "/admin/briefings", true],
    ["subscribers", "/admin/subscribers", true],
    ["subscribers searched and filtered", "/admin/subscribers?q=c&status=confirmed&cadence=daily", true],
    // c1: imported, then mailed by the Run now test above, so its history holds an edition.
    ["a reader", "reader", true],
    ["a reader's erase confirmation", "reader/erase", true],
    ["import upload", "/admin/subscribers/import", true],
    ["an import", "import", true],
  ] as const)(
    "%s: no serious or critical axe-core violation in light and dark, no html-validate error",
    async (name, where, signedIn) => {
      const cookie = signedIn ? await sessionCookie() : null;
      const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
      let path: string = where;
      if (where === "import") {
        path = importPath;
        expect(path, "an import from the import test").not.toBe("");
      }
      if (where === "edition") {
        const list = await (await fetch(`${worker.url}/admin/editions`, { headers })).text();
        path = /href="(\/admin\/editions\/daily-[^"]+)"/.exec(list)?.[1] ?? "";
        expect(path, "an edition from the Run now test").not.toBe("");
      }
      if (where.startsWith("reader")) {
        const list = await (await fetch(`${worker.url}/admin/subscribers?q=c1`, { headers })).text();
        const reader = /href="(\/admin\/subscribers\/\d+)"/.exec(list)?.[1] ?? "";
        expect(reader, "c1's page").not.toBe("");
        path = where === "reader" ? reader : `${reader}/erase`;
      }
      for (const scheme of ["light", "dark"] as const) {
        expect(await axeViolations(path, scheme, cookie), `${name} (${scheme})`).toEqual([]);
      }
      const res = await fetch(`${worker.url}${path}`, { headers });
      expect(res.status, name).toBe(200);
      const report = await validator.validateString(await res.text());
      const errors = report.results.flatMap((r) =>
        r.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId} (line ${m.line}): ${m.message}`),
      );
      expect(errors, name).toEqual([]);
    },
    60_000,
  );
});
