// Drives the Resend stand-in from inside workerd over its control endpoints.
import { env } from "cloudflare:workers";
import type { RecordedCall, RecordedEmail } from "./resend-mock.ts";

export type MockEmail = RecordedEmail;
export type MockCall = RecordedCall;

const url = (path: string) => `${env.RESEND_MOCK_URL}/__mock/${path}`;

export async function mockReset(): Promise<void> {
  await fetch(url("reset"), { method: "POST" });
}

export async function mockFaults(faults: Record<string, number | string>): Promise<void> {
  await fetch(url("faults"), { method: "POST", body: JSON.stringify(faults) });
}

export async function mockOptions(options: Record<string, number | string>): Promise<void> {
  await fetch(url("options"), { method: "POST", body: JSON.stringify(options) });
}

export async function mockState(): Promise<{ emails: MockEmail[]; calls: MockCall[] }> {
  return (await (await fetch(url("state"))).json()) as { emails: MockEmail[]; calls: MockCall[] };
}

export function editionOf(email: MockEmail): string | undefined {
  return email.tags?.find((t) => t.name === "edition")?.value;
}
