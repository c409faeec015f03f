// npm run webhook -- <event> <address> [--url http://localhost:8787]: posts one Resend event, signed
// with RESEND_WEBHOOK_SECRET from .dev.vars as Resend (Svix) signs them, to a running `npm start` —
// to see a bounce or a complaint suppress a reader locally. Events: email.bounced (a hard bounce),
// email.complained, email.delivered.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";

const EVENTS: Record<string, Record<string, unknown>> = {
  "email.bounced": { bounce: { type: "Permanent", subType: "General", message: "Local test bounce" } },
  "email.complained": {},
  "email.delivered": {},
};

const args = process.argv.slice(2);
const urlAt = args.indexOf("--url");
const base = urlAt >= 0 ? (args.splice(urlAt, 2)[1] ?? "") : "http://localhost:8787";
const [type, address] = args;
if (!type || !address || !EVENTS[type]) {
  console.error(`usage: npm run webhook -- <${Object.keys(EVENTS).join("|")}> <address> [--url ${base}]`);
  process.exit(2);
}
const devVars = readFileSync(join(import.meta.dirname, "..", ".dev.vars"), "utf8");
const secret = process.env.RESEND_WEBHOOK_SECRET ?? /^RESEND_WEBHOOK_SECRET=(.*)$/m.exec(devVars)?.[1]?.trim();
if (!secret) {
  console.error("RESEND_WEBHOOK_SECRET is empty in .dev.vars: set it (see .dev.vars.example)");
  process.exit(2);
}

const id = `msg_local_${Date.now()}`;
const at = new Date();
const body = JSON.stringify({
  type,
  created_at: at.toISOString(),
  data: { email_id: `local-${id}`, to: [address], ...EVENTS[type] },
});
const res = await fetch(`${base}/webhooks/resend`, {
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign(id, at, body),
  },
  body,
});
console.log(`${res.status} ${await res.text()}`);
process.exit(res.ok ? 0 : 1);
