// A local stand-in for the Resend email API (POST /emails, /emails/batch) with rate limits, idempotency and faults.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mulberry32 } from "./prng.ts";
import { createLimiter, RATE_WINDOWS, type RateLimiter, type RateWindow } from "./rate-windows.ts";

export interface MockOptions {
  /** Requests allowed per second before 429 (per server). 0 = unlimited. Default 0. */
  ratePerSecond?: number;
  /**
   * How the limit is counted (see rate-windows.ts): "bucket" (default; a token bucket holding one
   * second of requests), "sliding" (a sliding one-second window) or "fixed" (windows that reset at
   * whole seconds of the clock).
   */
  rateWindow?: RateWindow;
  /** Artificial latency per request in ms (default 0). */
  latencyMs?: number;
}

export interface StartOptions extends MockOptions {
  port?: number;
  /** Keep each recorded email's html, text and headers (default true); a 20,000-mail benchmark needs only who got what. */
  keepBodies?: boolean;
}

export interface Faults {
  /** Probability 0..1 of answering 500 {name:"internal_server_error"} WITHOUT doing the work. */
  error500?: number;
  /** Probability 0..1 that the work is done (mails recorded, idempotency stored) but the response is never sent (socket destroyed). */
  lostResponse?: number;
  /** Extra delay ms for a fraction `slowFraction` of requests. */
  slowMs?: number;
  slowFraction?: number;
  /**
   * An outage for some recipients only: a request with any recipient address containing this text
   * answers 500 without doing the work, so one test's outage leaves other senders alone.
   */
  outageFor?: string;
  /** Deterministic seed for the fault dice (use a small seeded PRNG like mulberry32 so runs are repeatable). */
  seed?: number;
  /**
   * An outage: every API call fails, without doing any work, until the faults are set again.
   * "error500": 500 internal_server_error; "timeout": the connection drops with no answer;
   * "mixed": the two in turn; "rateLimited": 429 rate_limit_exceeded with `retry-after: outageRetryAfter`
   * (default 1) — a neighbour on the same team holding the limit; "dailyQuota" / "monthlyQuota": 429
   * daily_quota_exceeded / monthly_quota_exceeded (Resend answers a spent quota with 429 too).
   */
  outage?: "error500" | "timeout" | "mixed" | "rateLimited" | "dailyQuota" | "monthlyQuota";
  outageRetryAfter?: number;
}

export interface RecordedEmail extends ParsedEmail {
  id: string;
  batchCallId?: string;
  idempotencyKey?: string;
  receivedAt: number;
}

export interface RecordedCall {
  path: string;
  /** Status answered; 0 when the response was deliberately lost. */
  status: number;
  idempotencyKey?: string;
  /** Emails in the request body (1 for /emails, the array length for /emails/batch, 0 if the body was unreadable). */
  size: number;
  /** Raw request body length in bytes. */
  bytes: number;
  /** Date.now() when the request had been read (when the rate limit counts it). */
  arrivedAt: number;
  /** Date.now() when the answer was given (or lost). */
  at: number;
}

export interface ResendMock {
  url: string;
  emails: RecordedEmail[];
  calls: RecordedCall[];
  setFaults(f: Faults): void;
  setOptions(o: MockOptions): void;
  reset(): void;
  close(): Promise<void>;
}

const MAX_BATCH = 100;
const MAX_RECIPIENTS = 50;
const DEFAULT_SEED = 0x5eed;

// Same idea as Resend's own check: `a@b.c` or `Name <a@b.c>`.
const BARE_ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** One email as the API accepts it (snake_case fields already mapped). */
interface ParsedEmail {
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
}

type StoredKey = { state: "pending"; hash: string } | { state: "done"; hash: string; status: number; body: string };

function addressList(value: unknown, field: string, required: boolean): string[] | undefined {
  if (value === undefined || value === null) {
    if (required) throw new ApiError(422, "validation_error", `Missing \`${field}\` field.`);
    return undefined;
  }
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
    throw new ApiError(422, "validation_error", `The \`${field}\` field must be a \`string\` or an array of strings.`);
  }
  if (required && list.length === 0) throw new ApiError(422, "validation_error", `Missing \`${field}\` field.`);
  if (list.length > MAX_RECIPIENTS) {
    throw new ApiError(422, "validation_error", `Too many recipients in \`${field}\`; max ${MAX_RECIPIENTS}.`);
  }
  for (const address of list as string[]) {
    if (!isAddress(address)) {
      throw new ApiError(
        422,
        "validation_error",
        `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
      );
    }
  }
  return list as string[];
}

function isAddress(value: string): boolean {
  const trimmed = value.trim();
  const named = NAMED_ADDRESS.exec(trimmed);
  return BARE_ADDRESS.test(named ? named[1]!.trim() : trimmed);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new ApiError(422, "validation_error", `The \`${field}\` field must be a \`string\`.`);
  return value;
}

function parseEmail(input: unknown): ParsedEmail {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ApiError(422, "validation_error", "The email must be an `object`.");
  }
  const o = input as Record<string, unknown>;
  const from = addressList(o.from, "from", true)!;
  if (typeof o.from !== "string") throw new ApiError(422, "validation_error", "The `from` field must be a `string`.");
  const to = addressList(o.to, "to", true)!;
  if (o.subject === undefined || o.subject === null)
    throw new ApiError(422, "validation_error", "Missing `subject` field.");
  const subject = optionalString(o.subject, "subject")!;
  const html = optionalString(o.html, "html");
  const text = optionalString(o.text, "text");
  if (html === undefined && text === undefined) {
    throw new ApiError(422, "validation_error", "Missing `html` or `text` field.");
  }
  let headers: Record<string, string> | undefined;
  if (o.headers !== undefined && o.headers !== null) {
    if (
      typeof o.headers !== "object" ||
      Array.isArray(o.headers) ||
      Object.values(o.headers).some((v) => typeof v !== "string")
    ) {
      throw new ApiError(422, "validation_error", "The `headers` field must be an `object` of strings.");
    }
    headers = o.headers as Record<string, string>;
  }
  let tags: { name: string; value: string }[] | undefined;
  if (o.tags !== undefined && o.tags !== null) {
    if (!Array.isArray(o.tags)) throw new ApiError(422, "validation_error", "The `tags` field must be an `array`.");
    tags = o.tags.map((tag: unknown) => {
      const t = tag as { name?: unknown; value?: unknown } | null;
      if (
        typeof t?.name !== "string" ||
        typeof t.value !== "string" ||
        !TAG_PART.test(t.name) ||
        !TAG_PART.test(t.value)
      ) {
        throw new ApiError(
          422,
          "validation_error",
          "Tags should only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-).",
        );
      }
      return { name: t.name, value: t.value };
    });
  }
  return {
    from: from[0]!,
    to,
    subject,
    html,
    text,
    headers,
    tags,
    cc: addressList(o.cc, "cc", false),
    bcc: addressList(o.bcc, "bcc", false),
    replyTo: addressList(o.reply_to, "reply_to", false),
  };
}

/** Returns the emails to send and, in permissive batch mode, the per-index failures that were skipped. */
function parseBody(
  path: string,
  body: unknown,
  permissive: boolean,
): { emails: ParsedEmail[]; errors?: { index: number; message: string }[] } {
  if (path === "/emails") {
    if (Array.isArray(body))
      throw new ApiError(422, "validation_error", "The `request.body` field must be an `object`.");
    return { emails: [parseEmail(body)] };
  }
  if (!Array.isArray(body)) throw new ApiError(422, "validation_error", "The `request.body` field must be an `array`.");
  if (body.length === 0) throw new ApiError(422, "validation_error", "The batch must contain at least one email.");
  if (body.length > MAX_BATCH)
    throw new ApiError(422, "validation_error", `Too many emails in batch; max ${MAX_BATCH}`);
  const emails: ParsedEmail[] = [];
  const errors: { index: number; message: string }[] = [];
  body.forEach((item: unknown, index) => {
    try {
      const o = item as Record<string, unknown> | null;
      // Batch sends refuse these outright, in either validation mode.
      for (const field of ["attachments", "scheduled_at"]) {
        if (o && typeof o === "object" && o[field] !== undefined && o[field] !== null) {
          throw new ApiError(422, "validation_error", `The \`${field}\` field is not supported in batch emails.`);
        }
      }
      emails.push(parseEmail(item));
    } catch (e) {
      if (!(e instanceof ApiError) || !permissive) throw e;
      errors.push({ index, message: e.message });
    }
  });
  return permissive ? { emails, errors } : { emails };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function errorJson(status: number, name: string, message: string): string {
  return JSON.stringify({ statusCode: status, name, message });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `clock` is what the rate limit counts with (ms; default the wall clock), so tests can simulate time. */
export async function startResendMock(options: StartOptions & { clock?: () => number } = {}): Promise<ResendMock> {
  const {
    port = 0,
    keepBodies = true,
    clock = () => performance.timeOrigin + performance.now(),
    ...startOptions
  } = options;
  const emails: RecordedEmail[] = [];
  const calls: RecordedCall[] = [];
  const keys = new Map<string, StoredKey>();
  let opts: Required<MockOptions> = { ratePerSecond: 0, rateWindow: "bucket", latencyMs: 0 };
  let limiter: RateLimiter | undefined;
  let faults: Faults = {};
  let dice = mulberry32(DEFAULT_SEED);
  let outageCalls = 0;
  // Bumped by reset() so requests still sleeping through latency from a previous test cannot leak into the next one.
  let generation = 0;

  function setOptions(o: MockOptions): void {
    const next = { ...opts, ...stripUndefined(o) };
    if (!RATE_WINDOWS.includes(next.rateWindow)) throw new RangeError(`unknown rateWindow: ${next.rateWindow}`);
    // Numbers may arrive as strings over the control endpoint.
    const ratePerSecond = Number(next.ratePerSecond) || 0;
    const rateChanged = ratePerSecond !== opts.ratePerSecond || next.rateWindow !== opts.rateWindow || !limiter;
    opts = { ratePerSecond, rateWindow: next.rateWindow, latencyMs: Number(next.latencyMs) || 0 };
    // Only a new limit starts counting afresh, so tuning latency mid-run does not hand out free requests.
    if (rateChanged) limiter = ratePerSecond > 0 ? createLimiter(opts.rateWindow, ratePerSecond) : undefined;
  }
  function setFaults(f: Faults): void {
    faults = { ...f };
    dice = mulberry32(f.seed ?? DEFAULT_SEED);
    outageCalls = 0;
  }
  function reset(): void {
    emails.length = 0;
    calls.length = 0;
    keys.clear();
    generation++;
    opts = { ratePerSecond: 0, rateWindow: "bucket", latencyMs: 0 };
    limiter = undefined;
    setOptions(startOptions);
    setFaults({});
  }
  reset();

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): Promise<void> {
    if (req.method === "GET" && path === "/__mock/state") {
      return send(res, 200, JSON.stringify({ emails, calls, options: opts, faults }));
    }
    if (req.method === "POST" && path === "/__mock/reset") {
      reset();
      return send(res, 200, JSON.stringify({ ok: true }));
    }
    if (req.method === "POST" && (path === "/__mock/faults" || path === "/__mock/options")) {
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
      } catch {
        return send(res, 400, errorJson(400, "validation_error", "Body must be JSON."));
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return send(res, 400, errorJson(400, "validation_error", "Body must be a JSON object."));
      }
      if (path === "/__mock/faults") setFaults(body as Faults);
      else {
        try {
          setOptions(body as MockOptions);
        } catch (e) {
          return send(res, 400, errorJson(400, "validation_error", String((e as Error).message)));
        }
      }
      return send(res, 200, JSON.stringify({ ok: true }));
    }
    return send(res, 404, errorJson(404, "not_found", "Unknown mock control endpoint."));
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): Promise<void> {
    const startedIn = generation;
    const arrivedAt = Date.now();
    const idempotencyKey = header(req, "idempotency-key");
    let size = 0;
    const record = (status: number) =>
      calls.push({ path, status, idempotencyKey, size, bytes: raw.length, arrivedAt, at: Date.now() });
    const answer = (status: number, body: string) => {
      record(status);
      send(res, status, body, limiter?.headers(clock(), false) ?? {});
    };
    const fail = (e: ApiError) => answer(e.status, errorJson(e.status, e.code, e.message));

    try {
      if (req.method !== "POST")
        throw new ApiError(405, "method_not_allowed", "Method is not allowed for the requested path.");
      const auth = header(req, "authorization");
      if (!auth) throw new ApiError(401, "missing_api_key", "Missing API key in the authorization header.");
      if (!/^Bearer re_\S+$/.test(auth.trim())) throw new ApiError(403, "invalid_api_key", "API key is invalid");
      if (!header(req, "user-agent")?.trim()) {
        throw new ApiError(403, "validation_error", "User-Agent header is required");
      }
      if (faults.outage) {
        const mode = faults.outage === "mixed" ? (outageCalls++ % 2 === 0 ? "error500" : "timeout") : faults.outage;
        if (mode === "timeout") {
          record(0);
          res.socket?.destroy();
          return;
        }
        if (mode === "dailyQuota" || mode === "monthlyQuota") {
          const period = mode === "dailyQuota" ? "daily" : "monthly";
          throw new ApiError(429, `${period}_quota_exceeded`, `You have reached your ${period} email sending quota.`);
        }
        if (mode === "rateLimited") {
          record(429);
          const wait = String(Number(faults.outageRetryAfter) || 1);
          const headers = {
            "ratelimit-limit": "5",
            "ratelimit-remaining": "0",
            "ratelimit-reset": wait,
            "retry-after": wait,
          };
          return send(res, 429, errorJson(429, "rate_limit_exceeded", "Too many requests."), headers);
        }
        throw new ApiError(500, "internal_server_error", "An unexpected error occurred. Please try again later.");
      }
      if (limiter && !limiter.take(clock())) {
        record(429);
        const message = `Too many requests. You can only make ${limiter.limit} requests per second. See rate limit response headers for more information.`;
        return send(res, 429, errorJson(429, "rate_limit_exceeded", message), limiter.headers(clock(), true));
      }

      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new ApiError(400, "validation_error", "The request body is not valid JSON.");
      }
      size = path === "/emails" ? 1 : Array.isArray(body) ? body.length : 0;
      const permissive = path === "/emails/batch" && header(req, "x-batch-validation") === "permissive";
      const parsed = parseBody(path, body, permissive);
      const outage = faults.outageFor;
      if (outage && parsed.emails.some((e) => e.to.some((to) => to.includes(outage)))) {
        throw new ApiError(500, "internal_server_error", "An unexpected error occurred. Please try again later.");
      }

      let hash: string | undefined;
      if (idempotencyKey !== undefined) {
        if (idempotencyKey.length < 1 || idempotencyKey.length > 256) {
          throw new ApiError(422, "invalid_idempotency_key", "The key must be between 1-256 chars.");
        }
        hash = createHash("sha256").update(path).update("\n").update(raw).digest("hex");
        const stored = keys.get(idempotencyKey);
        if (stored?.state === "pending") {
          throw new ApiError(
            409,
            "concurrent_idempotent_requests",
            "Same idempotency key used while original request is still in progress.",
          );
        }
        if (stored && stored.hash !== hash) {
          throw new ApiError(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload.",
          );
        }
        if (stored) return answer(stored.status, stored.body);
        keys.set(idempotencyKey, { state: "pending", hash });
      }

      // Always draw all three so the Nth faulted request sees the same dice whatever earlier requests rolled.
      const roll500 = dice();
      const rollSlow = dice();
      const rollLost = dice();
      if (roll500 < (faults.error500 ?? 0)) {
        if (idempotencyKey !== undefined) keys.delete(idempotencyKey);
        throw new ApiError(500, "internal_server_error", "An unexpected error occurred. Please try again later.");
      }
      const wait = opts.latencyMs + (rollSlow < (faults.slowFraction ?? 0) ? (faults.slowMs ?? 0) : 0);
      if (wait > 0) await sleep(wait);
      if (startedIn !== generation) {
        res.socket?.destroy();
        return;
      }

      const receivedAt = Date.now();
      const batchCallId = path === "/emails/batch" ? randomUUID() : undefined;
      const ids = parsed.emails.map((email) => {
        const id = randomUUID();
        const kept = keepBodies ? email : { ...email, html: undefined, text: undefined, headers: undefined };
        emails.push({ id, ...stripUndefined(kept), batchCallId, idempotencyKey, receivedAt });
        return id;
      });
      const responseBody = JSON.stringify(
        path === "/emails"
          ? { id: ids[0] }
          : parsed.errors
            ? { data: ids.map((id) => ({ id })), errors: parsed.errors }
            : { data: ids.map((id) => ({ id })) },
      );
      if (idempotencyKey !== undefined && hash !== undefined) {
        keys.set(idempotencyKey, { state: "done", hash, status: 200, body: responseBody });
      }
      if (rollLost < (faults.lostResponse ?? 0)) {
        record(0);
        res.socket?.destroy();
        return;
      }
      answer(200, responseBody);
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      // An unexpected bug in the mock must not leave a key claimed forever.
      if (idempotencyKey !== undefined && keys.get(idempotencyKey)?.state === "pending") keys.delete(idempotencyKey);
      return fail(new ApiError(500, "internal_server_error", e instanceof Error ? e.message : String(e)));
    }
  }

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://mock").pathname;
      const raw = await readBody(req);
      if (path.startsWith("/__mock/")) return await control(req, res, path, raw);
      if (path === "/emails" || path === "/emails/batch") return await api(req, res, path, raw);
      send(res, 404, errorJson(404, "not_found", "The requested endpoint does not exist."));
    } catch {
      res.socket?.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    emails,
    calls,
    setFaults,
    setOptions,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
        server.closeAllConnections();
      }),
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
