// How fast an edition goes out and, while it is sending, how long the rest will take: mails settled
// (sent or failed) per minute since the edition started.
export interface SendingPace {
  perMinute: number | null;
  /** Null once done, or before anything has settled. */
  minutesLeft: number | null;
}

export function sendingPace(
  p: { sent: number; failed: number; pending: number; status: string },
  startedAt: string,
  until: Date,
): SendingPace {
  const minutes = (until.getTime() - Date.parse(startedAt)) / 60_000;
  const settled = p.sent + p.failed;
  if (!(minutes > 0) || settled === 0) return { perMinute: null, minutesLeft: null };
  const perMinute = settled / minutes;
  const minutesLeft = p.status === "done" ? null : p.pending / perMinute;
  return { perMinute, minutesLeft };
}
