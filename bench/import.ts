// Subscriber import at scale: BENCH_IMPORT_ROWS (default 1,000,000) generated lines through the real
// path (the upload stored in pieces, each piece applied by the import consumer), in workerd with real
// local D1 (vitest project "bench-import", see bench/import.workers.ts). Run alone: node bench/import.ts
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(import.meta.dirname, "..");

export interface ImportBench {
  rows: number;
  pieces: number;
  invocations: number;
  uploadQueries: number;
  uploadSeconds: number;
  seconds: number;
  rowsPerSecond: number;
  maxQueriesPerInvocation: number;
  maxRowsWrittenPerInvocation: number;
}

export async function benchImport(rows: number): Promise<ImportBench> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      join(root, "node_modules", ".bin", "vitest"),
      ["run", "--project", "bench-import", "--reporter", "default"],
      { cwd: root, env: { ...process.env, BENCH_IMPORT_ROWS: String(rows) }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`import bench failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`))
          : resolve(stdout),
    );
  });
  const line = /BENCH_IMPORT (\{.*\})/.exec(out);
  if (!line) throw new Error(`import bench printed no result:\n${out.slice(-4000)}`);
  return JSON.parse(line[1] as string) as ImportBench;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchImport(Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000)));
}
