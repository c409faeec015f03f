// A reader subscribes in a real browser (Debian Chromium driven by playwright-core): the home page
// form, the confirmation mail from the outbox, the confirm button, the confirmed page.
// Screenshots of each step are kept in test-artifacts/browser/ (not committed).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser.ts";
import { type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const artifacts = join(import.meta.dirname, "..", "test-artifacts", "browser");
let worker: LocalWorker;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  [worker, browser] = await Promise.all([startLocalWorker(), launchChromium()]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

describe("subscribing in a browser", () => {
  it("goes from the home page form to a confirmed subscription and a welcome mail", async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const email = `browser.${Date.now()}@example.org`;

    await page.goto(`${worker.url}/`);
    await page.fill("form.subscribe input[name=email]", email);
    await page.check("form.subscribe input[value=weekly]");
    await shot(page, "1-home-form");
    await page.click("form.subscribe button[type=submit]");
    await expect.poll(() => page.textContent("h1")).toBe("Check your inbox");
    await shot(page, "2-check-inbox");

    // The outbox lists the confirmation; open its HTML part as an inbox would show it.
    await page.goto(`${worker.url}/outbox`);
    const summary = page.locator("summary", { hasText: `→ ${email}` });
    await expect.poll(() => summary.count()).toBe(1);
    await summary.click();
    await shot(page, "3-outbox");
    const frameSrc = await page.locator("details[open] iframe").getAttribute("src");
    await page.goto(`${worker.url}${frameSrc}`);
    await shot(page, "4-confirmation-mail");
    // As from an inbox, the mail's button opens the link in a new tab.
    const [tab] = await Promise.all([page.waitForEvent("popup"), page.click("text=Yes, subscribe me")]);
    await tab.waitForLoadState();

    // The link shows a button; only pressing it confirms.
    expect(new URL(tab.url()).pathname).toMatch(/^\/confirm\//);
    expect(await tab.textContent("main h1")).toBe("Confirm your subscription");
    await shot(tab, "5-confirm-page");
    await tab.click("main form button[type=submit]");
    await expect.poll(() => tab.textContent("main h1")).toBe("You're subscribed");
    expect(await tab.textContent("main")).toContain(email);
    await shot(tab, "6-confirmed");

    const { messages } = (await (await fetch(`${worker.url}/outbox.json`)).json()) as {
      messages: { to: string; subject: string }[];
    };
    expect(messages.filter((m) => m.to === email).map((m) => m.subject)).toEqual([
      "You're subscribed to briefwire",
      "Confirm your subscription to briefwire",
    ]);
  }, 60_000);
});
