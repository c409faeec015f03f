// Bounce and complaint rates of an edition, flagged where mailbox providers start to penalise a
// sender: bounces over 4 %, complaints over 0.1 % of the mail sent.
export const BOUNCE_LIMIT = 0.04;
export const COMPLAINT_LIMIT = 0.001;

export interface DeliveryRates {
  /** Null before anything was sent. */
  bounceRate: number | null;
  complaintRate: number | null;
  bounceFlag: boolean;
  complaintFlag: boolean;
}

export function deliveryRates(p: { sent: number; bounced: number; complained: number }): DeliveryRates {
  const bounceRate = p.sent > 0 ? p.bounced / p.sent : null;
  const complaintRate = p.sent > 0 ? p.complained / p.sent : null;
  return {
    bounceRate,
    complaintRate,
    bounceFlag: bounceRate !== null && bounceRate > BOUNCE_LIMIT,
    complaintFlag: complaintRate !== null && complaintRate > COMPLAINT_LIMIT,
  };
}
