// zod validation at the HTTP boundary, answering 400 problem+json with the field and the reason.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type * as z from "zod/mini";
import { problem } from "./problem.ts";

export function validate<T extends z.ZodMiniType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const errors = result.error.issues.map((issue) => ({
      field: issue.path.map(String).join(".") || target,
      reason: issue.message,
    }));
    return problem(c, 400, "Invalid request", errors);
  });
}
