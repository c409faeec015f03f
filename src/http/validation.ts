// zod validation at the HTTP boundary, answering 400 problem+json with the field and the reason.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type * as z from "zod/mini";
import { problem } from "./problem.ts";

/** zod issues as the field-level reasons a 400 answer lists. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[], target: string) {
  return issues.map((issue) => ({ field: issue.path.map(String).join(".") || target, reason: issue.message }));
}

export function validate<T extends z.ZodMiniType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return;
    return problem(c, 400, "Invalid request", fieldErrors(result.error.issues, target));
  });
}
