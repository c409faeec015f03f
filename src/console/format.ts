// How the console writes figures and times: grouped numbers, UTC times to the minute, short durations.
const numbers = new Intl.NumberFormat("en");
const oneDecimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

export const count = (n: number): string => numbers.format(n);

export const percent = (part: number, whole: number): string =>
  whole > 0 ? `${oneDecimal.format((100 * part) / whole)} %` : "–";

/** "2026-12-05 09:13 UTC": unambiguous for a publisher anywhere, and what the logs say. */
export function utcTime(iso: string | Date | null): string {
  if (!iso) return "–";
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? "–" : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function duration(minutes: number): string {
  if (minutes < 1) return "under a minute";
  if (minutes < 90) return `${Math.round(minutes)} min`;
  return `${oneDecimal.format(minutes / 60)} h`;
}
