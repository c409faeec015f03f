// What a reader's mail program shows of each mail (confirmation, welcome, digest): the text part reads
// like the HTML part (same case, no lines of stray spaces), the HTML says the site's language, the
// qualities that keep mail out of trouble hold (size, absolute links, a visible unsubscribe link), and
// the local outbox shows the sender in JSON as it does in HTML.
import { describe, expect, it } from "vitest";
import { personalise, renderVariant } from "../src/digest/render.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { get, linkIn, mailsTo, postJson, SITE } from "./support/worker.ts";

const BASE = "https://briefs.example.net";
const GMAIL_CLIPS_AT = 102 * 1024;

function textProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (/^[ \t\u00a0]+$/.test(line)) problems.push(`line ${i + 1} holds only whitespace`);
    // A heading in capitals: a line of 3+ capital words that the HTML does not write in capitals.
    if (/^[^a-z]*[A-Z]{3,}[^a-z]*[A-Z]{3,}[^a-z]*$/.test(line) && !/^[-=]+$/.test(line))
      problems.push(`line ${i + 1} is in capitals: ${line}`);
  }
  return problems;
}

function htmlQualities(html: string, base: string) {
  expect(new TextEncoder().encode(html).length).toBeLessThan(GMAIL_CLIPS_AT * 0.9);
  expect(html).toMatch(/^<!DOCTYPE html[^>]*><html[^>]* lang="en-GB"/);
  for (const m of html.matchAll(/ href="([^"]*)"/g)) expect(m[1]).toMatch(new RegExp(`^(${base}/|https?://)`));
}

describe("the subscription mails", () => {
  it("confirmation and welcome: lang en-GB, text parts in the writer's case without whitespace-only lines", async () => {
    const email = `details.${Date.now()}@example.org`;
    await postJson("/subscribe", { email });
    const [confirmation] = await mailsTo(email);
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    const mails = await mailsTo(email, 2);
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      htmlQualities(mail.html, SITE);
      expect(textProblems(mail.text), mail.subject).toEqual([]);
    }
    const welcome = mails.find((m) => m.subject.startsWith("You're subscribed"))!;
    expect(welcome.text).toContain("Unsubscribe http://localhost:8787/unsubscribe/");
    expect(welcome.html).toMatch(/<a [^>]*href="http:\/\/localhost:8787\/unsubscribe\/[^"]+"[^>]*>Unsubscribe<\/a>/);
  });

  it("/outbox.json shows each mail's sender, as the HTML outbox does", async () => {
    const email = `sender.${Date.now()}@example.org`;
    await postJson("/subscribe", { email });
    const [mail] = await mailsTo(email);
    expect(mail?.from).toMatch(/^.+ <[^@\s]+@[^@\s]+>$|^[^@\s]+@[^@\s]+$/);
    const page = await (await get("/outbox")).text();
    expect(page).toContain(`From: ${mail?.from.replace(/</g, "&lt;").replace(/>/g, "&gt;")}`);
  });
});

describe("the digest", () => {
  it("keeps its qualities and reads alike in both parts: headings in case, figures in words", async () => {
    const content = compile(SEED_FILE);
    const edition = { id: "daily-2024-10-17", cadence: "daily" as const, to: new Date("2024-10-17T07:00:00Z") };
    const variant = await renderVariant(content, BASE, edition, content.briefings);
    const mail = personalise(variant, {
      unsubscribeUrl: `${BASE}/unsubscribe/u.token`,
      preferencesUrl: `${BASE}/preferences/p.token`,
    });
    htmlQualities(mail.html, BASE);
    expect(textProblems(mail.text)).toEqual([]);
    expect(mail.text).toContain("Key outcomes — 17 October 2024");
    expect(mail.text).toContain(content.briefings[0]!.title);
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain("Military assistance provided in H1 2024: €20.9 billion");
      expect(part).not.toContain("EUR bn");
    }
    // Same content: every outcome headline and the unsubscribe link in both parts.
    for (const o of content.briefings[0]!.outcomes) {
      expect(mail.text).toContain(o.headline);
      expect(mail.html).toContain(o.headline.replace(/'/g, "&#x27;"));
    }
    expect(mail.text).toContain(`Unsubscribe ${BASE}/unsubscribe/u.token`);
    expect(mail.html).toMatch(/href="https:\/\/briefs.example.net\/unsubscribe\/u.token"[^>]*>Unsubscribe<\/a>/);
  });
});
