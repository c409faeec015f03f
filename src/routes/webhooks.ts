// POST /webhooks/resend: signed delivery events from Resend.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { webhookSecret } from "../config.ts";
import { handleEvent, verifyWebhook } from "../digest/webhooks.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { problem } from "../http/problem.ts";

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.post(
  "/webhooks/resend",
  bodyLimit({ maxSize: 256 * 1024, onError: (c) => problem(c, 413, "Request body too large") }),
  async (c) => {
    const secret = webhookSecret(c.env);
    if (!secret) {
      const reason = c.env.RESEND_WEBHOOK_SECRET
        ? "RESEND_WEBHOOK_SECRET is the development secret, refused outside local mode"
        : "RESEND_WEBHOOK_SECRET is not set";
      console.error(JSON.stringify({ event: "webhook-rejected", reason }));
      return problem(c, 401, "Webhook signing secret not configured");
    }
    // Verify the raw bytes as sent: re-serialised JSON would not match the signature.
    const raw = await c.req.text();
    const verified = verifyWebhook(secret, raw, {
      id: c.req.header("svix-id"),
      timestamp: c.req.header("svix-timestamp"),
      signature: c.req.header("svix-signature"),
    });
    if (!verified.ok) {
      console.log(JSON.stringify({ event: "webhook-rejected", reason: verified.reason }));
      return problem(c, 401, "Invalid signature", [{ field: "svix-signature", reason: verified.reason }]);
    }
    let handled: Awaited<ReturnType<typeof handleEvent>>;
    try {
      handled = await handleEvent(
        c.env.DB,
        c.req.header("svix-id") as string,
        verified.event,
        new Date().toISOString(),
      );
    } catch (e) {
      // Not applied and not claimed: a 5xx makes the sender deliver it again.
      console.error(
        JSON.stringify({
          event: "webhook-failed",
          type: verified.event.type,
          message: e instanceof Error ? e.message : String(e),
        }),
      );
      return problem(c, 503, "Event not applied; deliver it again");
    }
    console.log(JSON.stringify({ event: "webhook", type: verified.event.type, handled }));
    return c.json({ ok: true, handled });
  },
);

rejectOtherMethods(webhookRoutes, "/webhooks/resend", ["POST"]);
