// The one small interface between the product and whoever delivers mail. Resend and the local outbox
// implement it; which one is active is decided in choose-transport.ts, from the environment.

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags?: { name: string; value: string }[];
}

/** The provider's rate limit as its last answer reported it (Resend: ratelimit-* headers). */
export interface RateInfo {
  /** Requests allowed per window (Resend's window is one second). */
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** What happened to a batch, in terms the caller can act on. */
export type SendOutcome =
  | {
      ok: true;
      /** The provider's id of each mail, by its place in the batch (none for a refused one). */
      ids: (string | undefined)[];
      /**
       * Mails the provider refused while sending the rest (Resend's permissive batch validation), by
       * their place in the batch. A batch whose every mail is refused is a `rejected` outcome instead.
       */
      refused?: { index: number; message: string }[];
      rate?: RateInfo;
    }
  | {
      ok: false;
      retry: true;
      /** rate_limited: over the provider's rate; unavailable: 5xx/timeout/lost answer; in_flight: the same idempotency key is still being processed. */
      kind: "rate_limited" | "unavailable" | "in_flight";
      retryAfterSeconds: number;
      message: string;
    }
  | {
      ok: false;
      retry: true;
      /** The account's daily or monthly quota is spent: no call succeeds before it resets. */
      kind: "quota";
      period: "daily" | "monthly";
      message: string;
    }
  | {
      ok: false;
      retry: false;
      /**
       * rejected: the provider refused the content (validation); auth: bad key;
       * conflict: the idempotency key was used before with another payload (the earlier call was accepted).
       */
      kind: "rejected" | "auth" | "conflict";
      message: string;
    };

export interface MailTransport {
  readonly name: "resend" | "outbox";
  /** Sends up to 100 mails as one call. The same key with the same batch must never deliver twice. */
  send(batch: OutgoingMail[], idempotencyKey: string): Promise<SendOutcome>;
}
