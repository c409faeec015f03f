// An event's start and end are either whole days ("2024-10-17") or RFC 3339 date-times. Kept apart from
// schema.ts so the Worker can ask which without bundling zod.

/** Whether an event's start or end carries a time of day (else it is a whole day). */
export function isTimed(eventTime: string): boolean {
  return eventTime.includes("T");
}
