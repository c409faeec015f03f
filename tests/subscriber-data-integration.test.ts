// Subscriber data a publisher can defend: suppression that holds, an event for every status change,
// imports that change only what their file says, limits against mail bombing, and erasure.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { ADMIN, get, linkIn, mailsTo, outbox, pastCooldown, postForm, postJson, row, SITE } from "./support/worker.ts";

let n = 0;
const fresh = (label = "data") => `${label}.${Date.now().toString(36)}.${n++}@example.org`;
const SITE_ORIGIN = { Origin: SITE };

const importCsv = (csv: string) =>
  get("/admin/subscribers/import", { method: "POST", headers: { "Content-Type": "text/csv", ...ADMIN }, body: csv });

async function events(email: string): Promise<string[]> {
  const r = await row(email);
  const { results } = await env.DB.prepare("SELECT event FROM subscriber_events WHERE subscriber_id = ?1 ORDER BY id")
    .bind(r?.id)
    .all<{ event: string }>();
  return results.map((e) => e.event);
}

/** Mail is queued after the response: a later mail to a control address shows earlier work is done. */
async function settle() {
  const control = fresh("control");
  await postJson("/subscribe", { email: control });
  await mailsTo(control);
}

const mailCount = async (email: string) => (await outbox()).filter((m) => m.to === email).length;

async function subscribeAndConfirm(email: string) {
  await postJson("/subscribe", { email });
  const [confirmation] = await mailsTo(email);
  await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
  return (await mailsTo(email, 2)).find((m) => m.subject.startsWith("You're subscribed"))!;
}

async function suppress(email: string, status: "unsubscribed" | "bounced" | "complained") {
  if (status === "unsubscribed") {
    const welcome = await subscribeAndConfirm(email);
    await get(linkIn(welcome.text, "unsubscribe"), { method: "POST" });
  } else {
    await importCsv(`email\n${email}\n`);
    await env.DB.prepare(
      "UPDATE subscribers SET status = ?2, suppressed_at = '2026-01-01T00:00:00.000Z', suppressed_reason = ?3 WHERE email = ?1",
    )
      .bind(email, status, status === "bounced" ? "hard bounce: mailbox does not exist" : "marked as spam")
      .run();
  }
  return (await row(email))!;
}

describe("suppression holds until the person confirms again", () => {
  it.each(["unsubscribed", "bounced", "complained"] as const)(
    "a subscribe request for a %s address changes neither its status, suppression time nor consent record",
    async (status) => {
      const email = fresh(status);
      const before = await suppress(email, status);
      const res = await postJson("/subscribe", { email, cadence: "weekly" }, { "CF-Connecting-IP": "198.51.100.66" });
      expect(res.status).toBe(202);
      await settle();
      const after = (await row(email))!;
      for (const field of [
        "status",
        "suppressed_at",
        "suppressed_reason",
        "unsubscribed_at",
        "cadence",
        "consent_at",
        "consent_ip",
        "consent_source",
        "confirmed_at",
      ]) {
        expect(after[field], field).toEqual(before[field]);
      }
      // And a later import still does not bring it back.
      const imported = (await (await importCsv(`email\n${email}\n`)).json()) as { updated: number; skipped: unknown[] };
      expect(imported.updated).toBe(0);
      expect(imported.skipped).toHaveLength(1);
      expect((await row(email))!.status).toBe(status);
    },
  );

  it("an unsubscribed reader who asks again gets a confirmation; only its POST confirms, with a fresh consent record", async () => {
    const email = fresh("back");
    await suppress(email, "unsubscribed");
    await pastCooldown();
    await postJson("/subscribe", { email, cadence: "weekly" }, { "CF-Connecting-IP": "198.51.100.77" });
    const mails = await mailsTo(email, 3);
    const confirmation = mails.find((m) => m.subject.startsWith("Confirm"))!; // newest first
    const path = linkIn(confirmation.text, "confirm");
    expect((await get(path)).status).toBe(200); // the page with a button
    expect((await row(email))!.status).toBe("unsubscribed");
    const res = await get(path, { method: "POST", headers: { "CF-Connecting-IP": "198.51.100.78" } });
    expect(res.status).toBe(200);
    expect(await row(email)).toMatchObject({
      status: "confirmed",
      cadence: "weekly",
      consent_ip: "198.51.100.77",
      confirmed_ip: "198.51.100.78",
      suppressed_at: null,
      unsubscribed_at: null,
    });
    expect(await events(email)).toEqual([
      "subscribe-requested",
      "confirmed",
      "unsubscribed",
      "resubscribe-requested",
      "confirmed",
    ]);
  });

  it("a hard-bounced address gets no confirmation mail from a form, with the same answer", async () => {
    const email = fresh("bounced");
    await suppress(email, "bounced");
    const res = await postJson("/subscribe", { email });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "pending" });
    await settle();
    expect(await mailCount(email)).toBe(0);
  });

  it("a complained address gets at most one confirmation mail per 30 days", async () => {
    const email = fresh("complained");
    await suppress(email, "complained");
    await postJson("/subscribe", { email });
    await mailsTo(email);
    // Past the 5-minute cooldown, still inside 30 days.
    await env.DB.batch([
      env.DB.prepare("UPDATE subscribers SET confirmation_sent_at = '2026-01-01T00:00:00.000Z' WHERE email = ?1").bind(
        email,
      ),
      env.DB.prepare("DELETE FROM confirmation_sends"),
    ]);
    await env.DB.prepare("UPDATE subscribers SET confirmation_sent_at = ?2 WHERE email = ?1")
      .bind(email, new Date(Date.now() - 29 * 86_400_000).toISOString())
      .run();
    await postJson("/subscribe", { email });
    await settle();
    expect(await mailCount(email)).toBe(1);
  });

  it("every status change writes an event, and a webhook suppression shows in the export", async () => {
    const email = fresh("export");
    await subscribeAndConfirm(email);
    expect(await events(email)).toEqual(["subscribe-requested", "confirmed"]);
    const res = await get("/admin/subscribers.csv", { headers: ADMIN });
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "email,cadence,tags,status,created_at,consent_at,consent_source,confirmed_at,unsubscribed_at,suppressed_at,suppressed_reason,language",
    );
  });
});

describe("imports change only what their file says", () => {
  it("absent columns leave cadence and topics unchanged", async () => {
    const email = fresh("keep");
    await importCsv(`email,cadence,tags\n${email},weekly,ukraine;nato\n`);
    const res = await importCsv(`email\n${email}\n`);
    expect(await res.json()).toMatchObject({ added: 0, updated: 1, invalid: [], skipped: [] });
    expect(await row(email)).toMatchObject({ cadence: "weekly", topics: '["nato","ukraine"]' });
    const onlyTags = await importCsv(`email,tags\n${email},nato\n`);
    expect(onlyTags.status).toBe(200);
    expect(await row(email)).toMatchObject({ cadence: "weekly", topics: '["nato"]' });
  });

  it("reports a topic no briefing uses as invalid for its line", async () => {
    const email = fresh("typo");
    const res = await importCsv(`email,cadence,tags\n${email},daily,ukrain\n`);
    expect(await res.json()).toMatchObject({
      added: 0,
      invalid: [{ line: 2, reason: 'tags: "ukrain" is not a topic of this site' }],
    });
    expect(await row(email)).toBeNull();
  });

  it("never confirms an address pending from the form, and never edits its consent record", async () => {
    const email = fresh("pending");
    await postJson("/subscribe", { email }, { "CF-Connecting-IP": "192.0.2.55", "User-Agent": "Form/1" });
    await mailsTo(email);
    const before = (await row(email))!;
    const res = (await (await importCsv(`email,cadence\n${email},weekly\n`)).json()) as {
      updated: number;
      skipped: { line: number; reason: string }[];
    };
    expect(res.updated).toBe(0);
    expect(res.skipped).toEqual([{ line: 2, reason: expect.stringContaining("pending") }]);
    expect(await row(email)).toEqual(before);
  });

  it("writes an event for each row it adds or updates", async () => {
    const added = fresh("ev-add");
    await importCsv(`email\n${added}\n`);
    await importCsv(`email,cadence\n${added},weekly\n`);
    expect(await events(added)).toEqual(["imported", "import-updated"]);
  });
});

describe("no mail bombing", () => {
  it("+suffix and capitalisation variants share the mailbox's cooldown", async () => {
    const base = `bomb${Date.now().toString(36)}`;
    const variants = [`${base}@example.org`, `${base}+a@example.org`, `${base}+b@EXAMPLE.org`];
    for (const email of variants) expect((await postJson("/subscribe", { email })).status).toBe(202);
    await mailsTo(variants[0]!);
    await settle();
    const all = (await outbox()).filter((m) => m.to.toLowerCase().startsWith(base));
    expect(all).toHaveLength(1);
  });

  it("the per-address rate limit counts the mailbox, not the exact address", async () => {
    // The limiter counts in windows aligned to the wall-clock minute: a run that straddles a minute
    // boundary is repeated once (the next one cannot straddle another).
    for (let run = 0; ; run++) {
      const minute = Math.floor(Date.now() / 60_000);
      const base = `rate${Date.now().toString(36)}r${run}`;
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await postJson("/subscribe", { email: `${base}+${i}@example.org` })).status);
      }
      if (Math.floor(Date.now() / 60_000) !== minute && run === 0) continue;
      expect(statuses).toEqual([202, 202, 202, 429]);
      break;
    }
  });

  it("at most 3 confirmation mails per mailbox per 24 hours", async () => {
    const email = fresh("thrice");
    for (let i = 0; i < 5; i++) {
      await postJson("/subscribe", { email });
      await settle();
      // Step past the 5-minute cooldown without waiting (still well inside the 24 hours).
      await pastCooldown();
    }
    expect(await mailCount(email)).toBe(3);
  }, 30_000);

  it("pending sign-ups expire after 7 days: the 15-minute cron deletes them with an event", async () => {
    const old = fresh("expired");
    const recent = fresh("recent");
    await postJson("/subscribe", { email: old });
    await postJson("/subscribe", { email: recent });
    const oldId = (await row(old))!.id;
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE subscribers SET consent_at = ?2, created_at = ?2 WHERE email = ?1")
      .bind(old, eightDaysAgo)
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await row(old)).toBeNull();
    expect((await row(recent))?.status).toBe("pending");
    const expired = await env.DB.prepare(
      "SELECT subscriber_id, event, ip, detail FROM subscriber_events WHERE event = 'pending-expired' AND json_extract(detail, '$.subscriber') = ?1",
    )
      .bind(oldId)
      .first();
    expect(expired).toMatchObject({ subscriber_id: null, event: "pending-expired", ip: null });
  });

  it("refuses form posts from another site; accepts the site's own and JSON clients without those headers", async () => {
    const email = fresh("csrf");
    const foreign = await postForm("/subscribe", { email }, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    // The address was never the problem: the page says what was.
    const page = await foreign.text();
    expect(page).toContain("<title>Please subscribe from this site");
    expect(page).not.toContain("check the address");
    expect(page).toContain("can only be sent from");
    const crossSite = await postForm("/subscribe", { email }, { "Sec-Fetch-Site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const bare = await get("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email }),
    });
    expect(bare.status).toBe(403);
    expect(await row(email)).toBeNull();
    expect((await postForm("/subscribe", { email }, SITE_ORIGIN)).status).toBe(200);
    expect((await postForm("/subscribe", { email }, { "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
    // What Chromium sends from the site's own form under Referrer-Policy: no-referrer.
    expect((await postForm("/subscribe", { email }, { Origin: "null", "Sec-Fetch-Site": "same-origin" })).status).toBe(
      200,
    );
    expect((await postForm("/subscribe", { email: fresh("csrf-null") }, { Origin: "null" })).status).toBe(403);
    const json = await postJson("/subscribe", { email: fresh("api") });
    expect(json.status).toBe(202);
    expect(await json.json()).toEqual({ status: "pending" });
  });
});

/** The erase request: the address in the body, never in a URL (request logs keep URLs). */
const erase = (email: string) =>
  get("/admin/subscribers/erase", {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });

describe("POST /admin/subscribers/erase", () => {
  it("erases the person, keeps a hashed suppression entry, and imports skip it", async () => {
    const email = fresh("erase");
    const welcome = await subscribeAndConfirm(email);
    const id = (await row(email))!.id;
    // A digest they got: the ledger froze their address and links at the first attempt.
    const at = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
         VALUES ('erase-edition', 'daily', ?1, ?1, '[]', '[]', 'done', ?1, ?1)`,
      ).bind(at),
      env.DB.prepare(
        `INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, address, unsubscribe_url,
           preferences_url, updated_at) VALUES ('erase-edition', ?1, 0, '[]', 'sent', ?2, 'https://u', 'https://p', ?3)`,
      ).bind(id, email, at),
    ]);
    const res = await erase(email.toUpperCase());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ erased: true, status: "unsubscribed" });
    expect(await row(email)).toBeNull();
    const kept = await env.DB.prepare("SELECT * FROM subscribers WHERE id = ?1")
      .bind(id)
      .first<Record<string, unknown>>();
    const text = JSON.stringify(kept);
    expect(text).not.toContain(email.split("@")[0]);
    expect(kept).toMatchObject({ status: "unsubscribed", consent_ip: null, consent_user_agent: null });
    expect(String(kept?.email)).toMatch(/^erased:[0-9a-f]{64}$/);
    const left = await env.DB.prepare("SELECT event, ip, detail FROM subscriber_events WHERE subscriber_id = ?1")
      .bind(id)
      .all();
    expect(left.results).toEqual([{ event: "erased", ip: null, detail: null }]);
    expect(await mailCount(email)).toBe(0);
    const ledger = await env.DB.prepare(
      "SELECT status, address, unsubscribe_url, preferences_url FROM deliveries WHERE subscriber_id = ?1",
    )
      .bind(id)
      .all();
    expect(ledger.results).toEqual([{ status: "sent", address: null, unsubscribe_url: null, preferences_url: null }]);
    // An old mail's unsubscribe link still works, and its page names no hash.
    const page = await get(linkIn(welcome.text, "unsubscribe"));
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("erased:");

    const imported = (await (await importCsv(`email\n${email}\n`)).json()) as { added: number; skipped: unknown[] };
    expect(imported).toMatchObject({ added: 0, skipped: [{ line: 2, reason: expect.stringContaining("erased") }] });
    expect((await erase(email)).status, "erasing twice is no error").toBe(200);
    expect((await erase("nobody@example.org")).status).toBe(404);
    const bad = await erase("not an address");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("email");
  });

  it("the older DELETE with the address in the URL erases nothing and points to the POST route", async () => {
    const email = fresh("erase-by-url");
    await subscribeAndConfirm(email);
    const res = await get(`/admin/subscribers/${encodeURIComponent(email)}`, { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(410);
    expect(JSON.stringify(await res.json())).toContain("POST /admin/subscribers/erase");
    expect((await row(email))?.status).toBe("confirmed");
  });

  it("a later subscribe of an erased address needs a confirmed double opt-in", async () => {
    const email = fresh("erased-back");
    await subscribeAndConfirm(email);
    await erase(email);
    await pastCooldown();
    await postJson("/subscribe", { email });
    const [confirmation] = await mailsTo(email);
    expect(confirmation!.subject).toMatch(/^Confirm/);
    expect(await row(email)).toBeNull();
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    expect((await row(email))?.status).toBe("confirmed");
  });
});
