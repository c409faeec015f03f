// Makes the pictures in README.md (docs/*.png): the home page, a briefing page, the digest mail, the
// outbox and the console (overview, an edition in flight, and each page of CONSOLE_SHOTS this build
// has), from the real Worker in local mode, in Debian's Chromium. Run: npm run screenshots
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../tests/support/browser.ts";
import { startLocalWorker } from "../tests/support/local-worker.ts";
import { startResendMock } from "../tests/support/resend-mock.ts";
import { TEST_WEBHOOK_SECRET } from "../tests/support/test-secrets.ts";

const docs = join(import.meta.dirname, "..", "docs");
const AUTH = { Authorization: "Bearer dev-admin-token" };
const CADENCE_OF = ["daily", "weekly", "daily"];
const CONSOLE_WIDTH = 1200;
/** Console pages to picture: a page this build lacks (404) is skipped, so a new one needs only a line here. */
const CONSOLE_SHOTS: { path: string; file: string }[] = [
  { path: "/admin/", file: "console-overview" },
  { path: "/admin/subscribers", file: "console-subscribers" },
];

/**
 * The console, on a Worker of its own that mails through the Resend stand-in: 400 readers, an edition
 * whose first batch goes out and whose next ones meet a rate limit held for ten minutes, so its page
 * shows it in flight. Signed in through the form, as a publisher is.
 */
async function consoleShots(browser: Browser): Promise<string[]> {
  const mock = await startResendMock();
  const worker = await startLocalWorker({
    vars: { RESEND_API_KEY: "re_screenshots", RESEND_BASE_URL: mock.url, RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET },
  });
  try {
    const rows = Array.from(
      { length: 400 },
      (_, i) => `reader${i}@example.org,${CADENCE_OF[i % 3]},${i % 4 ? "nato" : ""}`,
    );
    await fetch(`${worker.url}/admin/subscribers/import`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "text/csv" },
      body: `email,cadence,tags\n${rows.join("\n")}\n`,
    });
    mock.reset();
    const run = await fetch(`${worker.url}/admin/digest/run`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ cadence: "daily", from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
    });
    const { edition } = (await run.json()) as { edition: string };
    for (let i = 0; i < 300 && !mock.calls.some((c) => c.path === "/emails/batch" && c.status === 200); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    mock.setFaults({ outage: "rateLimited", outageRetryAfter: 600 });

    const page = await browser.newPage({ viewport: { width: CONSOLE_WIDTH, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(`${worker.url}/admin/`);
    await page.getByLabel("Admin token").fill("dev-admin-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${worker.url}/admin/`);
    const written: string[] = [];
    for (const { path, file } of [
      ...CONSOLE_SHOTS,
      { path: `/admin/editions/${encodeURIComponent(edition)}`, file: "console-edition" },
    ]) {
      const res = await page.goto(`${worker.url}${path}`);
      if (res?.status() === 404) {
        console.log(`skipped: ${path} answers 404 in this build`);
        continue;
      }
      await page.screenshot({ path: join(docs, `${file}.png`) });
      written.push(file);
    }
    return written;
  } finally {
    await worker.stop();
    await mock.close();
  }
}

const worker = await startLocalWorker();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 860, height: 1100 }, deviceScaleFactor: 1 });
  const shot = (name: string, clipHeight = 1100) =>
    page.screenshot({ path: join(docs, `${name}.png`), clip: { x: 0, y: 0, width: 860, height: clipHeight } });

  await page.goto(`${worker.url}/`);
  await shot("home", 900);
  await page.goto(`${worker.url}/briefings/nato-defence-ministers-october-2024`);
  await shot("briefing", 1300);

  // A confirmed reader and a digest run, so the outbox holds a digest.
  await fetch(`${worker.url}/admin/subscribers/import`, {
    method: "POST",
    headers: { ...AUTH, "Content-Type": "text/csv" },
    body: "email,cadence,tags\nreader@example.org,daily,\n",
  });
  await fetch(`${worker.url}/admin/digest/run`, {
    method: "POST",
    headers: { ...AUTH, "Content-Type": "application/json" },
    body: JSON.stringify({ cadence: "daily", from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
  });
  let digest: { id: string } | undefined;
  for (let i = 0; i < 100 && !digest; i++) {
    const { messages } = (await (await fetch(`${worker.url}/outbox.json`)).json()) as {
      messages: { id: string; subject: string }[];
    };
    digest = messages.find((m) => m.subject.startsWith("briefwire: "));
    if (!digest) await new Promise((r) => setTimeout(r, 100));
  }
  if (!digest) throw new Error("no digest in the outbox");
  await page.goto(`${worker.url}/outbox/${digest.id}/html`);
  await shot("digest-email", 1500);
  await page.goto(`${worker.url}/outbox`);
  await page.locator("summary").first().click();
  await shot("outbox", 1100);
  const written = ["home", "briefing", "digest-email", "outbox"];
  written.push(...(await consoleShots(browser)));
  console.log(`written: ${written.map((f) => `docs/${f}.png`).join(", ")}`);
} finally {
  await browser.close();
  await worker.stop();
}
