// The next edition of a cadence as its readers would get it, for the publisher to look at (and mail to
// themselves) before it goes out. Chooses exactly as the scheduled run will (regularEdition over the
// cadence's record) and renders through the same template, but writes nothing: no edition, no claim
// on the briefings, no ledger row, not even a first-seen record.
import type { BriefingIndex, Site } from "../content/schema.ts";
import { listHeaders } from "../mail/list-headers.ts";
import type { OutgoingMail, SendOutcome } from "../mail/transport.ts";
import { readCadenceRecord } from "./briefing-record.ts";
import type { DigestDeps } from "./deps.ts";
import { countRecipients } from "./ledger.ts";
import { type Cadence, nextRun, regularEdition, slugsOfVariant, tagsOfItems, variantFor } from "./plan.ts";
import { personalise, type RenderedVariant, renderVariant } from "./render.ts";

export interface EditionPreview {
  /** The id the edition will have. */
  edition: string;
  cadence: Cadence;
  /** When the scheduled run that sends it happens. */
  runAt: Date;
  /** Slugs of the briefings shown (all of the edition's, or those matching the asked topics). */
  items: string[];
  /** Confirmed readers of the cadence whose topics match the edition (an upper bound: readers who got a briefing on another cadence get it left out). */
  recipients: number;
  /** Null when there is nothing new to send. */
  mail: RenderedVariant | null;
}

/** A briefing dated after now: on no page, feed or mail until `published`, then in the edition after it. */
export interface ScheduledBriefing {
  slug: string;
  title: string;
  published: string;
  /** Whether the previewed edition carries it (it is published by the edition's run). */
  inEdition: boolean;
}

/** The briefings of `all` (an index holding every scheduled one) dated after `now`, soonest first. */
export function scheduledBriefings(all: BriefingIndex, now: Date, runAt: Date): ScheduledBriefing[] {
  return all.briefings
    .filter((b) => Date.parse(b.published) > now.getTime())
    .map((b) => ({
      slug: b.slug,
      title: b.title,
      published: b.published,
      inEdition: Date.parse(b.published) <= runAt.getTime(),
    }))
    .sort((a, b) => Date.parse(a.published) - Date.parse(b.published));
}

/** Where a preview's personal links point: no reader's token, so they open the "link not valid" page. */
function previewLinks(base: string) {
  return { unsubscribeUrl: `${base}/unsubscribe/preview`, preferencesUrl: `${base}/preferences/preview` };
}

export async function previewEdition(
  deps: { db: D1Database; content: BriefingIndex; base: string },
  cadence: Cadence,
  now: Date,
  topics: string[] = [],
  /** When the edition runs: the next scheduled run, or `now` for what a run started now would send. */
  runAt = nextRun(cadence, now),
): Promise<EditionPreview> {
  const record = await readCadenceRecord(deps.db, cadence);
  const choice = regularEdition(deps.content, cadence, runAt, record);
  const slugs = slugsOfVariant(variantFor(topics, choice.items));
  const shown = choice.items.filter((b) => slugs.includes(b.slug));
  const recipients = choice.items.length ? await countRecipients(deps.db, cadence, tagsOfItems(choice.items)) : 0;
  const base = { edition: choice.id, cadence, runAt, items: slugs, recipients };
  if (shown.length === 0) return { ...base, mail: null };
  const rendered = await renderVariant(deps.content, deps.base, { id: choice.id, cadence, to: runAt }, shown);
  return { ...base, mail: { ...rendered, ...personalise(rendered, previewLinks(deps.base)) } };
}

/** The preview as one mail to `to`: "[Test]" before the subject, the list headers with the preview's links. */
export function testMail(
  preview: EditionPreview & { mail: RenderedVariant },
  to: string,
  from: string,
  headersFor: (unsubscribeUrl: string) => Record<string, string>,
  base: string,
): OutgoingMail {
  return {
    from,
    to,
    subject: `[Test] ${preview.mail.subject}`,
    html: preview.mail.html,
    text: preview.mail.text,
    headers: headersFor(previewLinks(base).unsubscribeUrl),
    tags: [{ name: "kind", value: "test" }],
  };
}

/**
 * When the next edition would carry nothing: the newest briefing rendered as that edition's mail would
 * be, so the publisher can still see and test the mail. Null when there is no briefing at all.
 */
export async function sampleMail(
  deps: { content: BriefingIndex; base: string },
  preview: EditionPreview,
): Promise<RenderedVariant | null> {
  const latest = deps.content.briefings[0];
  if (!latest) return null;
  const edition = { id: preview.edition, cadence: preview.cadence, to: preview.runAt };
  const rendered = await renderVariant(deps.content, deps.base, edition, [latest]);
  return { ...rendered, ...personalise(rendered, previewLinks(deps.base)) };
}

/**
 * Mails `mail` (a preview's, or the sample's) to one address as a test. A key of its own per test:
 * asking twice sends twice, and nothing here is an edition's chunk.
 */
export async function sendTestMail(
  deps: Pick<DigestDeps, "transport" | "from" | "base">,
  site: Site,
  preview: EditionPreview,
  mail: RenderedVariant,
  to: string,
): Promise<{ mail: OutgoingMail; outcome: SendOutcome }> {
  const outgoing = testMail({ ...preview, mail }, to, deps.from, (u) => listHeaders(site, deps.base, u), deps.base);
  const outcome = await deps.transport.send([outgoing], `test:${preview.edition}:${crypto.randomUUID()}`);
  return { mail: outgoing, outcome };
}
