// Three test projects:
// - "workers": inside workerd (the Workers runtime) with the bindings from wrangler.toml, real local D1
//   (migrated) and Queues; mail goes to the local outbox.
// - "workers-providers": the same Worker wired to the outside services' local stand-ins: RESEND_API_KEY
//   set, so mail goes through the resend SDK to the Resend stand-in (digest delivery, the fault matrix,
//   webhooks), and WEBSUB_HUB pointing at a stand-in hub.
// - "node": checks that drive programs outside the runtime (a real feed reader, a real browser, the
//   Resend stand-in's own tests).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_WEBHOOK_SECRET } from "./tests/support/test-secrets.ts";

function workersProject(name: string, include: string[], exclude: string[], bindings: Record<string, string> = {}) {
  return {
    plugins: [
      cloudflareTest(async ({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
            RESEND_MOCK_URL: inject("resendMockUrl"),
            HUB_URL: inject("hubUrl"),
            ...bindings,
            ...(bindings.RESEND_API_KEY
              ? { RESEND_BASE_URL: inject("resendMockUrl"), WEBSUB_HUB: inject("hubUrl") }
              : {}),
          },
        },
      })),
    ],
    test: {
      name,
      include,
      exclude,
      globalSetup: ["tests/support/global-setup.ts"],
      setupFiles: ["tests/support/apply-migrations.ts"],
    },
  } satisfies TestProjectInlineConfiguration;
}

export default defineConfig({
  test: {
    projects: [
      workersProject("workers", ["tests/**/*.test.ts"], ["tests/**/*.node.test.ts", "tests/**/*.providers.test.ts"]),
      workersProject("workers-providers", ["tests/**/*.providers.test.ts"], [], {
        RESEND_API_KEY: "re_test_key",
        RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        DIGEST_BACKOFF_SECONDS: "0",
        MAIL_BACKOFF_SECONDS: "0",
      }),
      { test: { name: "node", include: ["tests/**/*.node.test.ts"], environment: "node" } },
    ],
  },
});
