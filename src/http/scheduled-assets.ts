// The Worker's view of the schedule the build wrote (src/documents/schedule.ts): which asset holds a
// public path's document at a given moment. Read once per isolate: the assets never change within a
// deploy, and the clock alone decides which version is in force.
import {
  assetPathAt,
  type CompiledSchedule,
  compileSchedule,
  NO_SCHEDULE,
  SCHEDULE_PATH,
  type Schedule,
} from "../documents/schedule.ts";

let loading: Promise<CompiledSchedule> | undefined;

/** The schedule, or NO_SCHEDULE when the build found no briefing dated later (it writes none then). */
export function loadSchedule(assets: Fetcher): Promise<CompiledSchedule> {
  if (!loading) {
    // The host is not used: the binding serves this Worker's own assets by path.
    loading = assets.fetch(`https://assets.local${SCHEDULE_PATH}`).then(async (res) => {
      if (res.status === 404) {
        await res.body?.cancel();
        return NO_SCHEDULE;
      }
      if (!res.ok) throw new Error(`schedule: ${SCHEDULE_PATH} answered ${res.status}`);
      return compileSchedule((await res.json()) as Schedule);
    });
    loading.catch(() => {
      loading = undefined; // try again on the next call
    });
  }
  return loading;
}

/** Where public `path` is among the assets at `at`; null when its document does not exist yet. */
export async function assetPathFor(assets: Fetcher, path: string, at: number): Promise<string | null> {
  return assetPathAt(await loadSchedule(assets), path, at);
}
