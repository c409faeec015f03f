// 405 for a known path asked with a method it does not serve (Hono would otherwise answer 404).
import type { Hono } from "hono";

export function rejectOtherMethods<E extends object>(app: Hono<E & {}>, path: string, allow: string[]): void {
  app.all(path, (c) =>
    c.text(`Method ${c.req.method} is not allowed here. Allowed: ${allow.join(", ")}.\n`, 405, {
      Allow: allow.join(", "),
    }),
  );
}
