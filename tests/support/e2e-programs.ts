// Runs before the end-to-end tier (npm run test:e2e): those tests drive programs of the system, not of
// npm — a browser, a feed reader, plain HTTP clients. A missing one fails the run at once with the
// line that installs it, rather than skipping checks silently.
import { spawnSync } from "node:child_process";

/** Debian packages the end-to-end tests drive; docs/development.md and .ci/run list the same packages. */
export const E2E_PACKAGES = ["chromium", "python3-feedparser", "python3-icalendar", "curl", "wget"] as const;
export const E2E_INSTALL = `apt-get install ${E2E_PACKAGES.join(" ")}`;

const CHECKS: { name: string; command: string; args: string[] }[] = [
  { name: "chromium (/usr/bin/chromium)", command: "/usr/bin/chromium", args: ["--version"] },
  // Debian's python3, which sees Debian's python3-feedparser (a python3 earlier on PATH may not).
  { name: "python3-feedparser (/usr/bin/python3)", command: "/usr/bin/python3", args: ["-c", "import feedparser"] },
  {
    name: "python3-icalendar (/usr/bin/python3)",
    command: "/usr/bin/python3",
    args: ["-c", "import icalendar"],
  },
  { name: "curl", command: "curl", args: ["--version"] },
  { name: "wget", command: "wget", args: ["--version"] },
];

export function missingPrograms(): string[] {
  return CHECKS.filter((c) => spawnSync(c.command, c.args, { stdio: "ignore" }).status !== 0).map((c) => c.name);
}

export default function checkPrograms() {
  const missing = missingPrograms();
  if (missing.length) {
    throw new Error(
      `The end-to-end tests need programs that are not installed: ${missing.join(", ")}.\n` +
        `Install them (Debian/Ubuntu, as root): ${E2E_INSTALL}`,
    );
  }
}
