// Runs once in Node before the workerd tests: starts the local Resend stand-in and hands its URL to
// the Worker under test as the RESEND_MOCK_URL binding (see vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startResendMock } from "./resend-mock.ts";

declare module "vitest" {
  export interface ProvidedContext {
    resendMockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mock = await startResendMock();
  project.provide("resendMockUrl", mock.url);
  return () => mock.close();
}
