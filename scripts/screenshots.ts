// Makes the pictures in README.md (docs/*.png): the home page, a briefing page, the digest mail and
// the outbox, from the real Worker in local mode, in Debian's Chromium. Run: node scripts/screenshots.ts
import { join } from "node:path";
import { launchChromium } from "../tests/support/browser.ts";
import { startLocalWorker } from "../tests/support/local-worker.ts";

const docs = join(import.meta.dirname, "..", "docs");
const AUTH = { Authorization: "Bearer dev-admin-token" };

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
  console.log(`written: docs/home.png, docs/briefing.png, docs/digest-email.png, docs/outbox.png`);
} finally {
  await browser.close();
  await worker.stop();
}
