// Who may enter the console and the admin API: the sign-in form and its session cookie (local mode, or
// a deployment with only ADMIN_TOKEN), Cloudflare Access tokens verified by the Worker itself, the
// origin check on every state-changing request, and failing closed when nothing is configured.
import { env } from "cloudflare:workers";
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { ACCESS_KEY_ID } from "./support/access-stand-in.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { ADMIN, get, SITE } from "./support/worker.ts";

const app = createApp(siteInfoOf(compile(SEED_FILE)));
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

async function signIn(token = "dev-admin-token"): Promise<Response> {
  return get("/admin/sign-in", {
    method: "POST",
    headers: { ...FORM, Origin: SITE },
    body: form({ token }),
    redirect: "manual",
  });
}

/** The session cookie ("name=value") from a sign-in answer. */
function sessionOf(res: Response): string {
  const cookie = res.headers.get("Set-Cookie") ?? "";
  return cookie.split(";")[0] as string;
}

const subscriberCount = async (email: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers WHERE email = ?1").bind(email).first<{ n: number }>())!
    .n;

describe("local mode: the sign-in form", () => {
  it("GET /admin/ without a session shows a form with an Admin token field and a Sign in button", async () => {
    const res = await get("/admin/");
    expect(res.status).toBe(200);
    const html = await res.text();
    const [input] = await select(html, "input#token");
    expect(input?.attrs.type).toBe("password");
    expect((await select(html, 'label[for="token"]'))[0]?.text).toBe("Admin token");
    expect((await select(html, "button[type=submit]")).map((b) => b.text)).toEqual(["Sign in"]);
    expect(html).not.toContain("Sign out");
  });

  it("a wrong token gets the form again with a message, 401 and no cookie", async () => {
    const res = await signIn("not-the-token");
    expect(res.status).toBe(401);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    const html = await res.text();
    expect((await select(html, "[role=alert]"))[0]?.text).toMatch(/not the admin token/);
    expect(await select(html, "input#token")).toHaveLength(1);
    expect(html).not.toContain("not-the-token");
  });

  it("after 10 wrong tokens from one client, every sign-in from it is refused (429, Retry-After, the form again); others are not", async () => {
    const from = (ip: string, token: string) =>
      get("/admin/sign-in", {
        method: "POST",
        headers: { ...FORM, Origin: SITE, "CF-Connecting-IP": ip },
        body: form({ token }),
        redirect: "manual",
      });
    for (let i = 0; i < 10; i++) expect((await from("203.0.113.7", `guess-${i}`)).status).toBe(401);
    // Even the right token: a guess during the lockout learns nothing.
    const refused = await from("203.0.113.7", "dev-admin-token");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.headers.get("Set-Cookie")).toBeNull();
    const html = await refused.text();
    expect((await select(html, "[role=alert]"))[0]?.text).toMatch(/Too many wrong tokens/);
    expect(await select(html, "input#token")).toHaveLength(1);
    expect((await from("203.0.113.8", "dev-admin-token")).status).toBe(303);
  });

  it("right tokens are not counted: a publisher signing in again and again is never refused", async () => {
    for (let i = 0; i < 12; i++) {
      const res = await get("/admin/sign-in", {
        method: "POST",
        headers: { ...FORM, Origin: SITE, "CF-Connecting-IP": "203.0.113.9" },
        body: form({ token: "dev-admin-token" }),
        redirect: "manual",
      });
      expect(res.status).toBe(303);
    }
  });

  it("the right token gives a signed HttpOnly, SameSite=Strict cookie on /admin for 12 hours, and the console", async () => {
    const res = await signIn();
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/");
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^briefwire_console=[^;]+\.[^;]+;/);
    expect(cookie).toContain("Path=/admin");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Max-Age=43200");
    const page = await get("/admin/", { headers: { Cookie: sessionOf(res) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect((await select(html, "h1"))[0]?.text).toBe("Overview");
    expect((await select(html, "nav button"))[0]?.text).toBe("Sign out");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
  });

  it("the session also opens the JSON API, and the bearer token keeps working", async () => {
    const cookie = sessionOf(await signIn());
    expect((await get("/admin/stats", { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await get("/admin/stats", { headers: ADMIN })).status).toBe(200);
    expect((await get("/admin/stats")).status).toBe(401);
  });

  it("a tampered cookie is refused: changed value, or a signature of its own", async () => {
    const cookie = sessionOf(await signIn());
    const [name, value] = cookie.split("=") as [string, string];
    const [expiry, signature] = decodeURIComponent(value).split(".") as [string, string];
    const later = `${name}=${encodeURIComponent(`${Number(expiry) + 86_400 * 365}.${signature}`)}`;
    const forged = `${name}=${encodeURIComponent(`${expiry}.${btoa("x".repeat(32))}`)}`;
    for (const bad of [later, forged, `${name}=${expiry}`]) {
      const page = await get("/admin/", { headers: { Cookie: bad } });
      expect(await select(await page.text(), "input#token"), bad).toHaveLength(1);
      expect((await get("/admin/stats", { headers: { Cookie: bad } })).status).toBe(401);
    }
  });

  it("changing the admin token ends every session", async () => {
    const cookie = sessionOf(await signIn());
    const rotated = { ...env, ADMIN_TOKEN: "a-new-admin-token" };
    const before = await app.request(`${SITE}/admin/`, { headers: { Cookie: cookie } }, env);
    expect((await select(await before.text(), "h1"))[0]?.text).toBe("Overview");
    const after = await app.request(`${SITE}/admin/`, { headers: { Cookie: cookie } }, rotated);
    expect(await select(await after.text(), "input#token")).toHaveLength(1);
    expect((await app.request(`${SITE}/admin/stats`, { headers: { Cookie: cookie } }, rotated)).status).toBe(401);
  });

  it("Sign out ends the session", async () => {
    const cookie = sessionOf(await signIn());
    const res = await get("/admin/sign-out", {
      method: "POST",
      headers: { ...FORM, Origin: SITE, Cookie: cookie },
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Set-Cookie")).toMatch(/^briefwire_console=;.*Max-Age=0/);
    expect(res.headers.get("Set-Cookie")).toContain("Path=/admin");
  });

  it("/admin leads to /admin/", async () => {
    const res = await get("/admin", { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/admin/");
  });

  it("GET never changes anything: sign-in and sign-out answer 405 to GET", async () => {
    expect((await get("/admin/sign-out")).status).toBe(405);
    expect((await get("/admin/sign-in?token=dev-admin-token")).status).toBe(405);
  });
});

describe("a form posted from another site", () => {
  it("with a valid session cookie: 403, and nothing changes (import, sign-out)", async () => {
    const cookie = sessionOf(await signIn());
    const evil = { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site", Cookie: cookie };
    const imported = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { ...evil, "Content-Type": "text/plain" },
      body: "email\nplanted@example.org\n",
    });
    expect(imported.status).toBe(403);
    expect(await subscriberCount("planted@example.org")).toBe(0);
    const out = await get("/admin/sign-out", { method: "POST", headers: { ...FORM, ...evil } });
    expect(out.status).toBe(403);
    expect(out.headers.get("Set-Cookie")).toBeNull();
    expect(await out.text()).toContain("nothing was changed");
    // The same import from the console's own origin goes through.
    const own = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { Origin: SITE, Cookie: cookie, "Content-Type": "text/plain" },
      body: "email\nplanted@example.org\n",
    });
    expect(own.status).toBe(200);
    expect(await subscriberCount("planted@example.org")).toBe(1);
  });

  it("a sign-in form posted from another site is refused and sets no cookie", async () => {
    const res = await get("/admin/sign-in", {
      method: "POST",
      headers: { ...FORM, Origin: "https://evil.example" },
      body: form({ token: "dev-admin-token" }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("deployed behind Cloudflare Access", () => {
  const DEPLOYED = "https://briefings.example.org";
  const issuer = inject("accessTeamUrl");
  const AUD = "0123456789abcdef-test-aud";
  const deployed = {
    ...env,
    SITE_URL: DEPLOYED,
    SIGNING_SECRET: "deployed-signing-secret",
    ADMIN_TOKEN: "deployed-admin",
    ACCESS_TEAM_DOMAIN: issuer,
    ACCESS_AUD: AUD,
  };
  const request = (path: string, token: string | null, init: RequestInit = {}) =>
    app.request(
      `${DEPLOYED}${path}`,
      { ...init, headers: { ...(token ? { "Cf-Access-Jwt-Assertion": token } : {}), ...init.headers } },
      deployed,
    );

  async function accessToken(claims: JWTPayload = {}, o: { key?: CryptoKey; expires?: string | number } = {}) {
    const key = o.key ?? ((await importJWK(JSON.parse(inject("accessPrivateJwk")), "RS256")) as CryptoKey);
    return new SignJWT({ email: "publisher@example.org", iss: issuer, aud: AUD, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: ACCESS_KEY_ID })
      .setIssuedAt()
      .setExpirationTime(o.expires ?? "1h")
      .sign(key);
  }

  it("a valid token opens the console and the JSON API", async () => {
    const token = await accessToken();
    const page = await request("/admin/", token);
    expect(page.status).toBe(200);
    expect((await select(await page.text(), "h1"))[0]?.text).toBe("Overview");
    expect((await request("/admin/stats", token)).status).toBe(200);
  });

  it("an Access service token (a script) works for the JSON API", async () => {
    const token = await accessToken({ email: undefined, common_name: "abc123.access" });
    expect((await request("/admin/stats", token)).status).toBe(200);
  });

  it.each([
    ["missing", async () => null],
    ["expired", async () => accessToken({}, { expires: Math.floor(Date.now() / 1000) - 60 })],
    ["for another audience", async () => accessToken({ aud: "someone-elses-aud" })],
    ["from another issuer", async () => accessToken({ iss: "https://other.cloudflareaccess.com" })],
    [
      "signed by another key",
      async () => accessToken({}, { key: (await generateKeyPair("RS256")).privateKey as CryptoKey }),
    ],
    ["not a token", async () => "not.a.token"],
  ])("a token %s: 401 on the console and the API, nothing done", async (_, make) => {
    const token = await make();
    const page = await request("/admin/", token);
    expect(page.status).toBe(401);
    const html = await page.text();
    expect((await select(html, "h1"))[0]?.text).toBe("Sign in through Cloudflare Access");
    expect(await select(html, "input#token")).toHaveLength(0);
    const api = await request("/admin/subscribers/import", token, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "email\naccess-denied@example.org\n",
    });
    expect(api.status).toBe(401);
    expect(await subscriberCount("access-denied@example.org")).toBe(0);
  });

  it("the admin token alone does not pass where Access is configured", async () => {
    const res = await request("/admin/stats", null, { headers: { Authorization: "Bearer deployed-admin" } });
    expect(res.status).toBe(401);
  });

  it("a browser's valid token does not carry a form posted from another site", async () => {
    const token = await accessToken();
    const res = await request("/admin/subscribers/import", token, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: "https://evil.example" },
      body: "email\naccess-forged@example.org\n",
    });
    expect(res.status).toBe(403);
    expect(await subscriberCount("access-forged@example.org")).toBe(0);
  });

  it("only one of the two Access settings: fails closed, naming the one missing", async () => {
    const half = { ...deployed, ACCESS_AUD: "" };
    const page = await app.request(`${DEPLOYED}/admin/`, { headers: { Authorization: "Bearer deployed-admin" } }, half);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("ACCESS_AUD");
  });
});

describe("deployed without Access", () => {
  const DEPLOYED = "https://briefings.example.org";
  const base = { ...env, SITE_URL: DEPLOYED, SIGNING_SECRET: "deployed-signing-secret" };

  it("with neither Access nor an admin token: a page saying what to set, never the console", async () => {
    const bare = { ...base, ADMIN_TOKEN: "" };
    const page = await app.request(`${DEPLOYED}/admin/`, {}, bare);
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("ADMIN_TOKEN");
    expect(html).toContain("ACCESS_TEAM_DOMAIN");
    expect(await select(html, "input#token")).toHaveLength(0);
    // The old default token is no key outside local mode.
    const api = await app.request(`${DEPLOYED}/admin/stats`, { headers: ADMIN }, bare);
    expect(api.status).toBe(503);
  });

  it("with ADMIN_TOKEN: the sign-in form (without the local default), and a Secure cookie", async () => {
    const withToken = { ...base, ADMIN_TOKEN: "deployed-admin" };
    const page = await app.request(`${DEPLOYED}/admin/`, {}, withToken);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("dev-admin-token");
    const res = await app.request(
      `${DEPLOYED}/admin/sign-in`,
      { method: "POST", headers: { ...FORM, Origin: DEPLOYED }, body: form({ token: "deployed-admin" }) },
      withToken,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Set-Cookie")).toContain("Secure");
  });
});
