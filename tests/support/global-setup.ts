// Runs once in Node before the workerd tests: starts the local stand-ins for the outside services
// (Resend, a WebSub hub, a Cloudflare Access team's key set) and hands their URLs to the Worker under test (see vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startAccessStandIn } from "./access-stand-in.ts";
import { startHubStandIn } from "./hub-stand-in.ts";
import { startResendMock } from "./resend-mock.ts";

declare module "vitest" {
  export interface ProvidedContext {
    resendMockUrl: string;
    hubUrl: string;
    /** A Cloudflare Access team domain's key set, and the private key (JWK, JSON) tests sign tokens with. */
    accessTeamUrl: string;
    accessPrivateJwk: string;
  }
}

export default async function setup(project: TestProject) {
  const [mock, hub, access] = await Promise.all([startResendMock(), startHubStandIn(), startAccessStandIn()]);
  project.provide("resendMockUrl", mock.url);
  project.provide("hubUrl", hub.url);
  project.provide("accessTeamUrl", access.url);
  project.provide("accessPrivateJwk", access.privateJwk);
  return async () => {
    await Promise.all([mock.close(), hub.close(), access.close()]);
  };
}
