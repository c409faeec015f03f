// What `npm start` serves, recorded while it runs, so that a build run by hand meanwhile
// (`npm run build:content`) writes links to the origin being served rather than to wrangler.toml's
// (whose port may not be the one served: every link would point at a dead port).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export interface ServedOrigin {
  /** The origin the documents link to, e.g. http://localhost:8931. */
  origin: string;
  /** The WebSub hub the feeds advertise, if any. */
  hub?: string;
  /** The served folder of documents (absolute). */
  assets: string;
  /** The `npm start` process: the record holds only while it runs. */
  pid: number;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function recordServedOrigin(file: string, served: ServedOrigin): void {
  writeFileSync(file, JSON.stringify(served));
}

export function forgetServedOrigin(file: string): void {
  rmSync(file, { force: true });
}

/** The origin a running `npm start` serves `assets` under, if one does. */
export function servedOriginOf(file: string, assets: string): ServedOrigin | undefined {
  let served: ServedOrigin;
  try {
    served = JSON.parse(readFileSync(file, "utf8")) as ServedOrigin;
  } catch {
    return undefined;
  }
  return resolve(served.assets) === resolve(assets) && isRunning(served.pid) ? served : undefined;
}
