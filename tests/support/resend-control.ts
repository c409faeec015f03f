// Drives the Resend stand-in from inside workerd over its control endpoints.
import { env } from "cloudflare:workers";

export interface MockEmail {
  id: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  idempotencyKey?: string;
}

export interface MockCall {
  path: string;
  status: number;
  idempotencyKey?: string;
  size: number;
}

const url = (path: string) => `${env.RESEND_MOCK_URL}/__mock/${path}`;

export async function mockReset(): Promise<void> {
  await fetch(url("reset"), { method: "POST" });
}

export async function mockFaults(faults: Record<string, number>): Promise<void> {
  await fetch(url("faults"), { method: "POST", body: JSON.stringify(faults) });
}

export async function mockOptions(options: Record<string, number>): Promise<void> {
  await fetch(url("options"), { method: "POST", body: JSON.stringify(options) });
}

export async function mockState(): Promise<{ emails: MockEmail[]; calls: MockCall[] }> {
  return (await (await fetch(url("state"))).json()) as { emails: MockEmail[]; calls: MockCall[] };
}

export function editionOf(email: MockEmail): string | undefined {
  return email.tags?.find((t) => t.name === "edition")?.value;
}
