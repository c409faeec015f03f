// Two test projects: "workers" runs inside workerd (the Workers runtime) with the bindings from
// wrangler.toml, real local D1 and the migrations applied; "node" runs the checks that need programs
// outside the runtime (a real feed reader, a real browser, the Resend stand-in's own tests).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                RESEND_MOCK_URL: inject("resendMockUrl"),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/**/*.node.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/apply-migrations.ts"],
        },
      },
      {
        test: { name: "node", include: ["tests/**/*.node.test.ts"], environment: "node" },
      },
    ],
  },
});
