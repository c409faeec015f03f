// Four test projects; `npm test` runs the first three, which need nothing but npm:
// - "workers": inside workerd (the Workers runtime) with the bindings from wrangler.toml, real local D1
//   (migrated) and Queues; mail goes to the local outbox.
// - "workers-providers": the same Worker wired to the outside services' local stand-ins: RESEND_API_KEY
//   set, so mail goes through the resend SDK to the Resend stand-in (digest delivery, the fault matrix,
//   webhooks), and WEBSUB_HUB pointing at a stand-in hub.
// - "node": plain Node checks outside the runtime (the Resend stand-in's own tests, the import graph).
// - "e2e" (`npm run test:e2e`): drives the system's programs against the running Worker — Debian's
//   Chromium, Universal Feed Parser, curl, Python's urllib, wget. Missing programs fail it with the
//   install line (tests/support/e2e-programs.ts).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_WEBHOOK_SECRET } from "./tests/support/test-secrets.ts";

function workersProject(
  name: string,
  include: string[],
  exclude: string[],
  bindings: Record<string, string> = {},
  testTimeout = 5_000,
) {
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
      testTimeout,
    },
  } satisfies TestProjectInlineConfiguration;
}

// Only for `npm run bench`: one part of the benchmark in workerd with real local D1 and Queues. Each part
// sets the variables that switch its project on and tunes it through `bindings`.
function benchProject(name: string, file: string, minutes: number, bindings: Record<string, string>) {
  return {
    plugins: [
      cloudflareTest(async () => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations"), ...bindings } },
      })),
    ],
    test: {
      name,
      include: [file],
      setupFiles: ["tests/support/apply-migrations.ts"],
      testTimeout: minutes * 60_000,
    },
  } satisfies TestProjectInlineConfiguration;
}

/** The benchmark's own Resend stand-in (BENCH_RESEND_URL), for the parts that send. */
const benchResend = () => ({
  RESEND_API_KEY: "re_bench",
  RESEND_BASE_URL: process.env.BENCH_RESEND_URL ?? "",
  RESEND_MOCK_URL: process.env.BENCH_RESEND_URL ?? "",
});

// bench/digest-outage.ts sets BENCH_RESEND_URL: an edition through a simulated outage.
const outageBenchProject = () =>
  benchProject("bench-outage", "bench/digest-outage.workers.ts", 30, {
    ...benchResend(),
    BENCH_RECIPIENTS: process.env.BENCH_RECIPIENTS ?? "20000",
    BENCH_OUTAGE_HOURS: process.env.BENCH_OUTAGE_HOURS ?? "2",
  });

// bench/import.ts sets BENCH_IMPORT_ROWS: a generated import through the real pieces and consumer.
const importBenchProject = () =>
  benchProject("bench-import", "bench/import.workers.ts", 60, {
    BENCH_IMPORT_ROWS: process.env.BENCH_IMPORT_ROWS ?? "100000",
  });

// bench/send-scale.ts sets BENCH_RESEND_URL and BENCH_SCALE_SIZES: whole editions at several list
// sizes in simulated time.
const scaleBenchProject = () =>
  benchProject("bench-scale", "bench/send-scale.workers.ts", 60, {
    ...benchResend(),
    BENCH_SCALE_SIZES: process.env.BENCH_SCALE_SIZES ?? "10000,100000",
    BENCH_SCALE_RATE: process.env.BENCH_SCALE_RATE ?? "5",
    DIGEST_BACKOFF_SECONDS: "5",
  });

export default defineConfig({
  test: {
    projects: [
      ...(process.env.BENCH_RESEND_URL ? [outageBenchProject()] : []),
      ...(process.env.BENCH_SCALE_SIZES ? [scaleBenchProject()] : []),
      ...(process.env.BENCH_IMPORT_ROWS ? [importBenchProject()] : []),
      workersProject(
        "workers",
        ["tests/**/*.test.ts"],
        ["tests/**/*.node.test.ts", "tests/**/*.e2e.test.ts", "tests/**/*.providers.test.ts"],
      ),
      // Its tests drive whole editions (a thousand recipients and more) through the local queues; on a
      // busy shared machine that passes vitest's default 5 s limit without anything being wrong.
      workersProject(
        "workers-providers",
        ["tests/**/*.providers.test.ts"],
        [],
        {
          RESEND_API_KEY: "re_test_key",
          RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
          DIGEST_BACKOFF_SECONDS: "0",
          MAIL_BACKOFF_SECONDS: "0",
        },
        30_000,
      ),
      { test: { name: "node", include: ["tests/**/*.node.test.ts"], environment: "node" } },
      {
        test: {
          name: "e2e",
          include: ["tests/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/e2e-programs.ts"],
        },
      },
    ],
  },
});
