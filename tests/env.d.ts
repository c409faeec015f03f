// Vite's ?raw imports: a file's text, used to feed fixtures and the seed to the compiler in tests.
declare module "*?raw" {
  const text: string;
  export default text;
}

// Bindings that exist only in the test Worker (vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    RESEND_MOCK_URL: string;
    HUB_URL: string;
    /** The outage benchmark (bench/digest-outage.workers.ts) only. */
    BENCH_RECIPIENTS: string;
    BENCH_OUTAGE_HOURS: string;
    BENCH_SCALE_SIZES: string;
    BENCH_SCALE_RATE: string;
    BENCH_IMPORT_ROWS: string;
  }
}
