// Helpers for digest tests: subscribers seeded straight into D1, and waiting for an edition to finish.
import { env } from "cloudflare:workers";
import type { Cadence } from "../../src/cadences.ts";
import type { Progress } from "../../src/digest/ledger.ts";
import { ADMIN, get } from "./worker.ts";

export interface SeedOptions {
  prefix: string;
  count: number;
  cadence?: Cadence;
  topics?: string[];
  status?: string;
  /** The readers' language (absent: the site's default). */
  language?: string;
}

/** Inserts `count` subscribers; returns their addresses in id order. */
export async function seedSubscribers(o: SeedOptions): Promise<string[]> {
  const emails = Array.from({ length: o.count }, (_, i) => `${o.prefix}${i}@example.org`);
  const now = new Date().toISOString();
  const statement = env.DB.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version, confirmed_at, language)
     VALUES (?1, ?1, ?2, ?3, ?4, 'seed-nonce', ?5, ?5, ?5, 'import', 'test', ?5, ?6)`,
  );
  for (let i = 0; i < emails.length; i += 500) {
    await env.DB.batch(
      emails
        .slice(i, i + 500)
        .map((e) =>
          statement.bind(
            e,
            o.status ?? "confirmed",
            o.cadence ?? "daily",
            JSON.stringify(o.topics ?? []),
            now,
            o.language ?? null,
          ),
        ),
    );
  }
  return emails;
}

export type { Progress } from "../../src/digest/ledger.ts";

export async function progress(edition: string): Promise<Progress> {
  return (await (await get(`/admin/digests/${edition}`, { headers: ADMIN })).json()) as Progress;
}

/** Polls the admin progress endpoint until the edition is done. */
export async function waitUntilDone(edition: string, timeoutMs = 30_000): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await progress(edition);
    if (p.status === "done") return p;
    if (Date.now() > deadline) throw new Error(`edition ${edition} not done: ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runDigest(body: Record<string, unknown>) {
  const res = await get("/admin/digest/run", {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
