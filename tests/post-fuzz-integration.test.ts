// Every POST route (and the one DELETE) with every content type and body we could think of, broken
// multipart included: a client error is a 4xx, never a 5xx.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../src/subscriptions/tokens.ts";
import { ADMIN, get, SITE } from "./support/worker.ts";

const DEV_KEY = "briefwire-local-development-signing-key-not-secret";

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "text/plain",
  "text/csv",
  "application/xml",
  "application/octet-stream",
  "garbage;;;==",
  null,
];

const BODIES: [string, BodyInit][] = [
  ["empty", ""],
  ["not multipart", "this is not multipart at all"],
  ["json", '{"email":"fuzz@example.org","cadence":"weekly","tags":["nato"]}'],
  ["json array", "[1,2,3]"],
  ["form", "email=fuzz%40example.org&cadence=weekly&tags=nato&topics=ukraine"],
  ["multipart boundary x", '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nfuzz@example.org\r\n--x--\r\n'],
  ["truncated multipart", '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nfuz'],
  ["bytes", new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a, 0x0d])],
  ["control characters", "\u0000\u0001\u001b[31m"],
  ["csv", "email,cadence,tags\nfuzz@example.org,weekly,nato\n"],
  ["csv with bad rows", 'email\n"unterminated\n,,,,\n'],
];

let clients = 0;

interface Route {
  method: string;
  path: string;
  headers: Record<string, string>;
}

async function routes(): Promise<Route[]> {
  const now = new Date().toISOString();
  const { id } = (await env.DB.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version)
     VALUES ('fuzz-target@example.org', 'fuzz-target@example.org', 'pending', 'daily', '[]', 'fuzz-nonce-0001', ?1, ?1, ?1, 'api', 'test')
     RETURNING id`,
  )
    .bind(now)
    .first<{ id: number }>())!;
  const token = (purpose: "confirm" | "unsubscribe" | "preferences") =>
    signToken(DEV_KEY, {
      purpose,
      subscriberId: id,
      nonce: "fuzz-nonce-0001",
      expires: purpose === "confirm" ? Math.floor(Date.now() / 1000) + 3600 : 0,
    });
  return [
    { method: "POST", path: "/subscribe", headers: {} },
    { method: "POST", path: `/preferences/${await token("preferences")}`, headers: {} },
    { method: "POST", path: `/unsubscribe/${await token("unsubscribe")}`, headers: {} },
    { method: "POST", path: `/confirm/${await token("confirm")}`, headers: {} },
    { method: "POST", path: "/confirm/not-a-token", headers: {} },
    {
      method: "POST",
      path: "/webhooks/resend",
      headers: { "svix-id": "x", "svix-timestamp": "1", "svix-signature": "v1,x" },
    },
    { method: "POST", path: "/admin/subscribers/import", headers: ADMIN },
    { method: "POST", path: "/admin/digest/run", headers: ADMIN },
    { method: "POST", path: "/admin/digest/test", headers: ADMIN },
    { method: "POST", path: "/admin/subscribers/erase", headers: ADMIN },
    { method: "DELETE", path: "/admin/subscribers/fuzz-target%40example.org", headers: ADMIN },
    { method: "DELETE", path: "/admin/subscribers/%00%0d%0a", headers: ADMIN },
  ];
}

describe("fuzzing every POST route", () => {
  it("never answers 5xx, whatever the content type and body", async () => {
    const failures: string[] = [];
    for (const route of await routes()) {
      for (const type of CONTENT_TYPES) {
        for (const [name, body] of BODIES) {
          // Where the site's origin matters (the subscribe form), with and without it.
          const origins: Record<string, string>[] =
            route.path === "/subscribe" ? [{ Origin: SITE }, {}] : [{ Origin: SITE }];
          for (const origin of origins) {
            const headers: Record<string, string> = {
              ...route.headers,
              ...origin,
              "CF-Connecting-IP": `10.66.${(clients >> 8) & 255}.${clients++ & 255}`,
            };
            if (type !== null) headers["Content-Type"] = type;
            const res = await get(route.path, { method: route.method, headers, body });
            await res.arrayBuffer();
            if (res.status >= 500) failures.push(`${route.method} ${route.path} [${type}] ${name}: ${res.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("a multipart body that is not multipart gets 400 naming the body on /subscribe", async () => {
    const res = await get("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x", Origin: SITE, "CF-Connecting-IP": "10.67.0.1" },
      body: "this is not multipart at all",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ field: "body", reason: "is not valid multipart/form-data" }] });
  });
});
