// Runs once in Node before the workerd tests: starts the local stand-ins for the outside services
// (Resend, a WebSub hub) and hands their URLs to the Worker under test (see vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startHubStandIn } from "./hub-stand-in.ts";
import { startResendMock } from "./resend-mock.ts";

declare module "vitest" {
  export interface ProvidedContext {
    resendMockUrl: string;
    hubUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const [mock, hub] = await Promise.all([startResendMock(), startHubStandIn()]);
  project.provide("resendMockUrl", mock.url);
  project.provide("hubUrl", hub.url);
  return async () => {
    await Promise.all([mock.close(), hub.close()]);
  };
}
