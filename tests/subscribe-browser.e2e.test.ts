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

  it("a French reader: subscribes on /fr/, confirms in French, and gets the digest in French", async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const email = `lecteur.${Date.now()}@example.org`;

    await page.goto(`${worker.url}/fr/`);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await page.getByLabel("Adresse électronique").fill(email);
    await page.getByLabel("Quotidien").check();
    // The French page preselects French for the mail.
    expect(await page.getByLabel("Langue des courriels").inputValue()).toBe("fr");
    await page.getByRole("button", { name: "S’abonner" }).click();
    await expect.poll(() => page.textContent("main h1")).toBe("Consultez votre boîte de réception");
    await shot(page, "fr-1-check-inbox");

    const mails = async () =>
      (
        (await (await fetch(`${worker.url}/outbox.json`)).json()) as {
          messages: { to: string; subject: string; text: string; html: string }[];
        }
      ).messages.filter((m) => m.to === email);
    await expect.poll(async () => (await mails()).length).toBe(1);
    const [confirmation] = await mails();
    expect(confirmation?.subject).toBe("Confirmez votre abonnement à briefwire");
    // A French reader's link is under /fr/, like the pages it opens.
    const confirmPath = new RegExp(`${worker.url}(/fr/confirm/[A-Za-z0-9._-]+)`).exec(confirmation?.text ?? "")?.[1];
    await page.goto(`${worker.url}${confirmPath}`);
    expect(await page.textContent("main h1")).toBe("Confirmez votre abonnement");
    await page.getByRole("button", { name: "Confirmer mon abonnement" }).click();
    await expect.poll(() => page.textContent("main h1")).toBe("Vous êtes abonné");
    await shot(page, "fr-2-confirmed");

    // The digest of the seed's window: one mail, in French, with the French version of the briefing.
    const run = await fetch(`${worker.url}/admin/digest/run`, {
      method: "POST",
      headers: { Authorization: "Bearer dev-admin-token", "Content-Type": "application/json" },
      body: JSON.stringify({ cadence: "daily", from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
    });
    expect(run.status).toBe(200);
    const digests = async () => (await mails()).filter((m) => m.subject.startsWith("briefwire: "));
    await expect.poll(async () => (await digests()).length, { timeout: 30_000 }).toBe(1);
    const [digest] = await digests();
    expect(digest?.subject).toMatch(/^briefwire: Les ministres de la Défense de l'OTAN/);
    expect(digest?.text).toContain("20,9 milliards d'euros");
    expect(digest?.html).toMatch(/<html[^>]* lang="fr"/);
    // Its web copy in French, as the reader opens it from the mail.
    const webCopy = /href="([^"]*\/fr\/digests\/[^"]+)"/.exec(digest?.html ?? "")?.[1] as string;
    await page.goto(webCopy);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.textContent("main h1")).toMatch(/^Résumé quotidien, /);
    await shot(page, "fr-3-digest-web-copy");
  }, 90_000);
});
