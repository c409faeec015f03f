// Rotating SIGNING_SECRET breaks no link ever mailed: the new key signs, the retired ones listed in
// SIGNING_SECRET_PREVIOUS still verify, and a link signed with a key in neither gets a page that says so
// and how to manage the subscription — never a reader's data.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { signToken, type TokenPurpose } from "../src/subscriptions/tokens.ts";
import { seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { select } from "./support/html.ts";

const SITE = "http://localhost:8787";
const rotated = {
  ...env,
  SIGNING_SECRET: "key-of-2027",
  SIGNING_SECRET_PREVIOUS: "key-of-2025, key-of-2026",
};
const app = createApp(siteInfoOf(compile(SEED_FILE)));
const request = (path: string, init?: RequestInit) => app.request(`${SITE}${path}`, init, rotated);

async function readerId(prefix: string): Promise<number> {
  const [email] = await seedSubscribers({ prefix, count: 1 });
  return (await env.DB.prepare("SELECT id FROM subscribers WHERE email = ?1").bind(email).first<{ id: number }>())!.id;
}

const link = async (key: string, purpose: TokenPurpose, subscriberId: number) =>
  `/${purpose}/${await signToken(key, { purpose, subscriberId, nonce: "rotation-nonce", expires: 0 })}`;

const status = async (id: number) =>
  (await env.DB.prepare("SELECT status FROM subscribers WHERE id = ?1").bind(id).first<{ status: string }>())!.status;

describe("signing key rotation", () => {
  it("an unsubscribe link signed with a retired key still unsubscribes, one-click included", async () => {
    const id = await readerId("rotation-old-");
    const path = await link("key-of-2025", "unsubscribe", id);
    const page = await request(path);
    expect(page.status).toBe(200);
    expect((await select(await page.text(), "form button")).length).toBeGreaterThan(0);
    const oneClick = await request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect(await status(id)).toBe("unsubscribed");
  });

  it("a preferences link signed with the second retired key opens the reader's preferences", async () => {
    const id = await readerId("rotation-prefs-");
    const res = await request(await link("key-of-2026", "preferences", id));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("rotation-prefs-0@example.org");
  });

  it("a link signed with a key in neither list says it is no longer valid and how to manage the subscription", async () => {
    const id = await readerId("rotation-unknown-");
    const path = await link("a-key-never-configured", "unsubscribe", id);
    const page = await request(path);
    expect(page.status).toBe(404);
    const body = await page.text();
    expect((await select(body, "h1"))[0]?.text).toBe("This link is no longer valid");
    expect(body).toContain("latest digest");
    expect(body).not.toContain("rotation-unknown-0@example.org");
    const post = await request(path, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(post.status).toBe(404);
    expect(await status(id), "nothing changed").toBe("confirmed");
  });

  it("new links are signed with the current key only", async () => {
    const id = await readerId("rotation-new-");
    expect((await request(await link("key-of-2027", "preferences", id))).status).toBe(200);
    const withoutPrevious = { ...rotated, SIGNING_SECRET_PREVIOUS: "" };
    const old = await app.request(`${SITE}${await link("key-of-2025", "preferences", id)}`, {}, withoutPrevious);
    expect(old.status, "a key dropped from the list no longer verifies").toBe(404);
  });
});
