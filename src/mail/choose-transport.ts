// Picks the mail transport from the environment: the wiring, kept apart from the interface so that
// the interface's file knows no implementation and the implementations import only the interface.
import type { Bindings } from "../env.ts";
import { OutboxTransport } from "./outbox.ts";
import { ResendTransport } from "./resend.ts";
import type { MailTransport } from "./transport.ts";

export function createTransport(env: Bindings): MailTransport {
  if (env.RESEND_API_KEY) return new ResendTransport(env.RESEND_API_KEY, env.RESEND_BASE_URL);
  return new OutboxTransport(env.DB);
}
