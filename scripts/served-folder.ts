// The folder of static documents wrangler serves is a symlink to a finished build. A build renders into
// a fresh folder beside it and then points the symlink at it with one rename(2), which is atomic: a
// reader gets the whole old site or the whole new one, never a missing or half-written document.
// Removing the old build afterwards is also what makes `wrangler dev` take in the new one: it watches
// the folder the symlink led to when it started, so that removal is the change it reloads on (it then
// reads the symlink again); until then it already serves the new files through the symlink.
import { rmSync } from "node:fs";
import { lstat, mkdir, readdir, readlink, rename, rm, stat, symlink } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";

/** Where the builds of `served` live: beside it, so a rename never crosses file systems. */
export function buildsFolderOf(served: string): string {
  return `${served}.builds`;
}

const PARTIAL = ".partial";
/** A partial build older than this was left by a build that stopped (killed, crashed). */
const STALE_PARTIAL_MS = 60 * 60_000;

async function isSymlink(path: string): Promise<boolean | null> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return null;
  }
}

/** Renders with `render(folder)` into a new folder, then serves it at `served` in one step. */
export async function publishServedFolder<T>(served: string, render: (folder: string) => Promise<T>): Promise<T> {
  const builds = buildsFolderOf(served);
  await mkdir(builds, { recursive: true });
  const id = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const partial = join(builds, `${id}${PARTIAL}`);
  let result: T;
  try {
    result = await render(partial);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
  const finished = join(builds, id);
  await rename(partial, finished);
  const link = join(builds, `${id}.link`);
  await symlink(relative(dirname(served), finished), link);
  // A real folder (a checkout from before builds were swapped, or an empty folder made for a test)
  // cannot be replaced by rename(2): move it aside first, once.
  if ((await isSymlink(served)) === false) await rename(served, join(builds, `${id}.replaced`));
  await rename(link, served);
  await removeOldBuilds(served, id);
  return result;
}

async function removeOldBuilds(served: string, current: string): Promise<void> {
  const builds = buildsFolderOf(served);
  for (const name of await readdir(builds)) {
    if (name === current) continue;
    const path = join(builds, name);
    // Another build may be rendering right now (a manual build while npm start watches).
    if (name.endsWith(PARTIAL) && Date.now() - (await stat(path)).mtimeMs < STALE_PARTIAL_MS) continue;
    // A build another process has just published stays: the symlink is the one to keep.
    if (resolve(dirname(served), await readlink(served).catch(() => "")) === path) continue;
    await rm(path, { recursive: true, force: true });
  }
}

/** Removes a served folder: the symlink (or folder) and every build beside it. */
export function removeServedFolder(served: string): void {
  rmSync(served, { recursive: true, force: true });
  rmSync(buildsFolderOf(served), { recursive: true, force: true });
}
