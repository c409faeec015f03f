// One address the provider refuses fails one reader, not the batch: batch calls use Resend's
// permissive validation, so the valid mails of a chunk go out and the refused one is recorded failed
// with the provider's reason — through the resend SDK and the Resend stand-in.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { digestDeps } from "../src/digest/deps.ts";
import { planStep, startEdition } from "../src/digest/edition.ts";
import type { DigestMessage } from "../src/digest/queue-messages.ts";
import { sendChunk } from "../src/digest/send.ts";
import { createTransport } from "../src/mail/choose-transport.ts";
import { progress, seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { editionOf, mockReset, mockState } from "./support/resend-control.ts";

// The stand-in, like Resend, wants a dot in the domain: an address an old import let through.
const REFUSED = "no-tld@example";

let windows = 0;

beforeEach(async () => {
  await mockReset();
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
});

/** An edition of the seed briefing to the confirmed readers, planned, its chunks captured instead of queued. */
async function planned() {
  const sent: DigestMessage[] = [];
  const queue = {
    send: async (body: DigestMessage) => void sent.push(body),
    sendBatch: async (messages: { body: DigestMessage }[]) => void sent.push(...messages.map((m) => m.body)),
  } as unknown as Queue<DigestMessage>;
  const deps = { ...digestDeps(env, compile(SEED_FILE)), queue, planQueue: queue };
  windows++;
  const from = new Date(Date.UTC(2024, 9, 15, 0, windows));
  const summary = await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"), from);
  await planStep(deps, summary.edition);
  const chunks = sent.filter((m): m is Extract<DigestMessage, { kind: "send" }> => m.kind === "send");
  return { deps, edition: summary.edition, chunks };
}

async function ledger(edition: string) {
  const { results } = await env.DB.prepare(
    "SELECT address, status, provider_id, error FROM deliveries WHERE edition_id = ?1 ORDER BY subscriber_id",
  )
    .bind(edition)
    .all<{ address: string; status: string; provider_id: string | null; error: string | null }>();
  return results;
}

describe("an address the provider refuses", () => {
  it("fails that reader with the provider's reason; the other 99 of the chunk are sent, once", async () => {
    // The refused address in the middle of the chunk, as it would be in id order.
    const before = await seedSubscribers({ prefix: "permissive-a-", count: 40 });
    await env.DB.prepare(
      `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
         consent_at, consent_source, consent_text_version, confirmed_at)
       VALUES (?1, ?1, 'confirmed', 'daily', '[]', 'n', ?2, ?2, ?2, 'import', 'test', ?2)`,
    )
      .bind(REFUSED, new Date().toISOString())
      .run();
    const good = [...before, ...(await seedSubscribers({ prefix: "permissive-b-", count: 59 }))];

    const { deps, edition, chunks } = await planned();
    expect(chunks).toHaveLength(1);
    expect(await sendChunk(deps, edition, 0)).toEqual({ done: true });

    const state = await mockState();
    expect(state.calls.map((c) => [c.path, c.status, c.size])).toEqual([["/emails/batch", 200, 100]]);
    const mails = state.emails.filter((e) => editionOf(e) === edition);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([...good].sort());

    const rows = await ledger(edition);
    const refused = rows.find((r) => r.address === REFUSED);
    expect(refused?.status).toBe("failed");
    expect(refused?.error).toContain("email address needs to follow");
    const others = rows.filter((r) => r.address !== REFUSED);
    expect(others.every((r) => r.status === "sent")).toBe(true);
    // Every sent row keeps its own mail's id (the refused mail has none; the ids after it are not shifted).
    const idOf = new Map(mails.map((m) => [m.to[0], m.id]));
    expect(others.map((r) => r.provider_id)).toEqual(others.map((r) => idOf.get(r.address)));
    expect(refused?.provider_id).toBeNull();

    const p = await progress(edition);
    expect(p).toMatchObject({ status: "done", sent: 99, failed: 1, pending: 0 });
    expect(p.errors[0]?.error).toContain("1 of 100 refused");

    // Settled: a duplicate message calls nothing again.
    expect(await sendChunk(deps, edition, 0)).toEqual({ done: true });
    expect((await mockState()).calls).toHaveLength(1);
  });

  it("a batch whose every mail is refused is a refused call (a confirmation mail is never recorded sent)", async () => {
    const outcome = await createTransport(env).send(
      [{ from: "briefwire <digest@example.org>", to: REFUSED, subject: "s", html: "<p>h</p>", text: "t", headers: {} }],
      "refused-alone",
    );
    expect(outcome).toMatchObject({ ok: false, retry: false, kind: "rejected" });
    if (!outcome.ok) expect(outcome.message).toContain("email address needs to follow");
  });
});
