// Picks the mail transport from the environment: the wiring, kept apart from the interface so that
// the interface's file knows no implementation and the implementations import only the interface.
import { requireMailDelivery } from "../config.ts";
import type { Bindings } from "../env.ts";
import { OutboxTransport } from "./outbox.ts";
import { ResendTransport } from "./resend.ts";
import type { MailTransport } from "./transport.ts";

/** Resend when RESEND_API_KEY is set; the outbox only in local mode; otherwise a ConfigError, never a fallback. */
export function createTransport(env: Bindings): MailTransport {
  requireMailDelivery(env);
  if (env.RESEND_API_KEY) return new ResendTransport(env.RESEND_API_KEY, env.RESEND_BASE_URL);
  return new OutboxTransport(env.DB);
}
