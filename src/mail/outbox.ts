// Local mode's "provider": every mail is stored in D1 and shown at /outbox and /outbox.json.
// Like Resend, the same idempotency key stores a batch once.
import type { MailTransport, OutgoingMail, SendOutcome } from "./transport.ts";

export interface OutboxMessage {
  id: string;
  to: string;
  from: string;
  subject: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  created_at: string;
}

interface OutboxRow {
  id: string;
  to_address: string;
  from_address: string;
  subject: string;
  headers: string;
  html: string;
  text: string;
  created_at: string;
}

function fromRow(r: OutboxRow): OutboxMessage {
  return {
    id: r.id,
    to: r.to_address,
    from: r.from_address,
    subject: r.subject,
    headers: JSON.parse(r.headers),
    html: r.html,
    text: r.text,
    created_at: r.created_at,
  };
}

export class OutboxTransport implements MailTransport {
  readonly name = "outbox";
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async send(batch: OutgoingMail[], idempotencyKey: string): Promise<SendOutcome> {
    const now = new Date().toISOString();
    const keys = batch.map((_, i) => `${idempotencyKey}#${i}`);
    const insert = this.#db.prepare(
      `INSERT INTO outbox (id, idempotency_key, to_address, from_address, subject, headers, html, text, tags, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    const lookup = this.#db.prepare("SELECT id FROM outbox WHERE idempotency_key = ?1");
    const statements = batch.flatMap((m, i) => [
      insert.bind(
        crypto.randomUUID(),
        keys[i],
        m.to,
        m.from,
        m.subject,
        JSON.stringify(m.headers),
        m.html,
        m.text,
        JSON.stringify(m.tags ?? []),
        now,
      ),
      lookup.bind(keys[i]),
    ]);
    const results = await this.#db.batch<{ id: string }>(statements);
    return { ok: true, ids: results.filter((_, i) => i % 2 === 1).map((r) => r.results[0]?.id as string) };
  }
}

export async function listOutbox(db: D1Database, limit = 200): Promise<OutboxMessage[]> {
  const { results } = await db
    .prepare("SELECT * FROM outbox ORDER BY created_at DESC, rowid DESC LIMIT ?1")
    .bind(limit)
    .all<OutboxRow>();
  return results.map(fromRow);
}

export async function getOutboxMessage(db: D1Database, id: string): Promise<OutboxMessage | null> {
  const row = await db.prepare("SELECT * FROM outbox WHERE id = ?1").bind(id).first<OutboxRow>();
  return row ? fromRow(row) : null;
}
