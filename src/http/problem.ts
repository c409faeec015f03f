// RFC 9457 problem details: how every client error is reported to programs, with the field at fault.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface FieldError {
  field: string;
  reason: string;
}

export function problem(c: Context, status: ContentfulStatusCode, title: string, errors: FieldError[] = []): Response {
  const body = {
    type: "about:blank",
    title,
    status,
    ...(errors.length ? { detail: errors.map((e) => `${e.field}: ${e.reason}`).join("; "), errors } : {}),
  };
  return c.body(JSON.stringify(body), status, { "Content-Type": "application/problem+json; charset=utf-8" });
}
