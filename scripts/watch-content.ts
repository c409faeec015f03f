// Rebuilds on save: watches data/ and runs `rebuild` shortly after the last change (an editor's save is
// often several events: a temporary file, a rename, a write). One build at a time; changes made during
// a build start one more when it ends, so the newest text is always the one built last.
import { watch } from "node:fs";
import { join } from "node:path";

/** Editors' swap, backup and temporary files: saving them is not saving a briefing. */
const SCRATCH = /(^|\/)(\.|#)|~$|\.(swp|swx|tmp)$/;

export function watchContent(dataDir: string, rebuild: () => Promise<void>, debounceMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await rebuild();
    } finally {
      running = false;
      if (again) {
        again = false;
        void run();
      }
    }
  };
  const changed = (_event: string, name: string | null) => {
    if (name && SCRATCH.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };
  // The two folders the build reads, each watched on its own.
  const watchers = [dataDir, join(dataDir, "briefings")].map((dir) => watch(dir, changed));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
