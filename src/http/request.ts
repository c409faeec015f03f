// Small facts about the current request that several routes need.
import type { Context } from "hono";
import type { RequestMeta } from "../subscriptions/store.ts";

/** Client address and user agent for consent records and rate limits (Cloudflare sets CF-Connecting-IP). */
export function requestMeta(c: Context): RequestMeta {
  return {
    ip: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent")?.slice(0, 512) ?? null,
  };
}

/** Runs work after the response when the platform allows it (waitUntil), else before answering. */
export async function afterResponse(c: Context, work: Promise<unknown>): Promise<void> {
  const guarded = work.catch((e: unknown) =>
    console.error(JSON.stringify({ event: "background-error", message: e instanceof Error ? e.message : String(e) })),
  );
  let ctx: ExecutionContext | undefined;
  try {
    ctx = c.executionCtx as ExecutionContext;
  } catch {
    ctx = undefined; // app.request() in tests has no execution context
  }
  if (ctx) ctx.waitUntil(guarded);
  else await guarded;
}

/** The media type of the request body, lower-cased, without parameters. */
export function mediaType(c: Context): string {
  return (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
