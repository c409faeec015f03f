// Rebuilds on save: watches data/ and runs `rebuild` shortly after the last change (an editor's save is
// often several events: a temporary file, a rename, a write). One build at a time; changes made during
// a build start one more when it ends, so the newest text is always the one built last.
import { watch } from "node:fs";

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
  const watcher = watch(dataDir, { recursive: true }, (_event, name) => {
    if (name && SCRATCH.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
