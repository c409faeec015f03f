// Two test projects: "workers" runs inside workerd (the Workers runtime) with the bindings from
// wrangler.toml; "node" runs the checks that need programs outside the runtime (a real feed reader).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "workers", include: ["tests/**/*.test.ts"], exclude: ["tests/**/*.node.test.ts"] },
      },
      {
        test: { name: "node", include: ["tests/**/*.node.test.ts"], environment: "node" },
      },
    ],
  },
});
