// The console's small sums: sending pace and time left, delivery rates against the providers' limits,
// and the editions list's page cursor (hostile values are the first page, never an error).
import { describe, expect, it } from "vitest";
import { deliveryRates } from "../src/console/delivery-rates.ts";
import { sendingPace } from "../src/console/edition-rate.ts";
import { editionCursor } from "../src/digest/edition-list.ts";

describe("sendingPace", () => {
  const start = "2026-12-05T07:00:00.000Z";
  it("mails settled per minute, and the time the pending rest takes at that pace", () => {
    const p = sendingPace(
      { sent: 900, failed: 100, pending: 3000, status: "sending" },
      start,
      new Date("2026-12-05T07:10:00Z"),
    );
    expect(p).toEqual({ perMinute: 100, minutesLeft: 30 });
  });
  it("no time left once done; no pace before anything settled", () => {
    expect(
      sendingPace({ sent: 10, failed: 0, pending: 0, status: "done" }, start, new Date("2026-12-05T07:01:00Z")),
    ).toEqual({ perMinute: 10, minutesLeft: null });
    expect(
      sendingPace({ sent: 0, failed: 0, pending: 50, status: "sending" }, start, new Date("2026-12-05T07:05:00Z")),
    ).toEqual({ perMinute: null, minutesLeft: null });
  });
});

describe("deliveryRates", () => {
  it("flags bounces over 4 % and complaints over 0.1 % of the mail sent, not at the limit", () => {
    expect(deliveryRates({ sent: 1000, bounced: 40, complained: 1 })).toMatchObject({
      bounceFlag: false,
      complaintFlag: false,
    });
    expect(deliveryRates({ sent: 1000, bounced: 41, complained: 2 })).toMatchObject({
      bounceFlag: true,
      complaintFlag: true,
    });
    expect(deliveryRates({ sent: 0, bounced: 0, complained: 0 })).toEqual({
      bounceRate: null,
      complaintRate: null,
      bounceFlag: false,
      complaintFlag: false,
    });
  });
});

describe("the editions cursor", () => {
  it("takes an edition id, and reads anything else as the first page", () => {
    expect(editionCursor("daily-2026-12-05")).toBe("daily-2026-12-05");
    expect(editionCursor("instant-2026-12-05T07-15")).toBe("instant-2026-12-05T07-15");
    for (const bad of [undefined, "", "x~y", "daily' OR 1=1 --", "a".repeat(300), "../etc"]) {
      expect(editionCursor(bad)).toBeUndefined();
    }
  });
});
