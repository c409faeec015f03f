// The digest: the key outcomes of each briefing published since the last edition — daily, weekly, or
// as an instant alert for the briefings that appeared on the site in the last quarter hour.
import { Heading, Hr, Link, Section, Text } from "@react-email/components";
import type { Cadence } from "../src/cadences.ts";
import { type MailMessages, mailEn } from "../src/i18n/mail-messages.ts";
import { humanDate } from "../src/render/dates.ts";
import { colors, Layout } from "./components/Layout.tsx";
import { OutcomeList, type OutcomeListItem } from "./components/OutcomeList.tsx";

/** The list component owns the shape of an outcome; the digest passes it through. */
export type DigestOutcome = OutcomeListItem;

export interface DigestItem {
  slug: string;
  title: string;
  url: string;
  /** RFC 3339. */
  published: string;
  summary: string;
  outcomes: DigestOutcome[];
  /** Set when the item's words are in another language than the mail's (no translation): its tag. */
  lang?: string;
}

export interface DigestProps {
  siteTitle: string;
  siteUrl: string;
  publisher: string;
  postalAddress: string;
  /** BCP 47 tag for dates and numbers, e.g. "en-GB". */
  language: string;
  cadence: Cadence;
  /** e.g. "daily-2026-11-28". */
  editionId: string;
  /** RFC 3339, the edition's end time. */
  editionDate: string;
  /** Briefings shown in full, each with its key outcomes. */
  items: DigestItem[];
  /** Briefings left out to keep the mail short: listed as links only. */
  moreItems: { title: string; url: string }[];
  /** The public web copy of this edition (/digests/<id>). */
  webUrl: string;
  /** Per recipient: callers may pass placeholders and substitute them after rendering, so both are used verbatim. */
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** The words of the reader's language (default: English). */
  m?: MailMessages;
}

const SUBJECT_MAX = 120;
const PREVIEW_MAX = 150;

/** Cuts text to at most `max` characters (code points), ending in "…", at a word boundary unless that loses too much. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max < 1) return "";
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  // Break at a space only if it keeps at least half the room; one very long word is cut mid-word instead.
  const kept = space >= cut.length / 2 ? cut.slice(0, space) : cut;
  // No dangling separator before the ellipsis ("A · …", "A: …").
  return `${kept.replace(/[\s·:,;–—-]+$/u, "")}…`;
}

/** Mail subject naming the briefings; keeps "+ N more" when the first title has to be shortened. */
export function digestSubject(siteTitle: string, titles: string[], m: MailMessages = mailEn): string {
  // A header value must stay on one line, whatever the titles hold.
  const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
  const site = oneLine(siteTitle);
  const [first, second] = titles.map(oneLine);
  if (first === undefined) return truncate(site, SUBJECT_MAX);
  const prefix = `${site}: `;
  const names = titles.length === 2 ? `${first} · ${second}` : first;
  const suffix = titles.length >= 3 ? m.subjectMore(titles.length - 1) : "";
  const room = SUBJECT_MAX - Array.from(prefix).length - Array.from(suffix).length;
  if (room < 10) return truncate(`${prefix}${names}${suffix}`, SUBJECT_MAX);
  return `${prefix}${truncate(names, room)}${suffix}`;
}

const small = { fontSize: "13px", lineHeight: "20px", color: colors.muted, margin: "12px 0 0" };
const text = { fontSize: "16px", lineHeight: "24px", color: colors.text, margin: "0 0 16px" };
const h1 = { fontSize: "24px", lineHeight: "30px", color: colors.text, margin: "12px 0 8px" };
const h2 = { fontSize: "20px", lineHeight: "26px", margin: "24px 0 4px" };
const label = {
  fontSize: "13px",
  lineHeight: "20px",
  fontWeight: 700,
  letterSpacing: "0.04em",
  textTransform: "uppercase" as const,
  color: colors.muted,
  margin: "0 0 8px",
};
const link = { color: colors.accent, textDecoration: "underline" };

export default function Digest(props: DigestProps) {
  const { language } = props;
  const m = props.m ?? mailEn;
  const date = humanDate(props.editionDate, language);
  const first = props.items[0];
  // The inbox preheader: the first briefing's headlines say more than its title, which the subject already has.
  const preview = first
    ? truncate(first.outcomes.map((o) => o.headline).join(" · ") || first.summary, PREVIEW_MAX)
    : `${m.keyOutcomes} — ${date}`;
  return (
    <Layout {...props} m={m} preview={preview} reason={m.digestReason(props.cadence, props.siteTitle)}>
      <Text style={small}>
        <Link href={props.webUrl} style={{ color: colors.muted, textDecoration: "underline" }}>
          {m.viewInBrowser}
        </Link>
      </Text>
      <Heading as="h1" style={h1}>
        {m.digestHeading(props.cadence, props.items.length)} — {date}
      </Heading>
      {props.items.map((item, i) => (
        <Section key={item.slug} {...(item.lang ? { lang: item.lang } : {})}>
          {i > 0 ? <Hr style={{ borderColor: colors.line, margin: "24px 0 0" }} /> : null}
          <Heading as="h2" style={h2}>
            <Link href={item.url} style={{ color: colors.text, textDecoration: "none" }}>
              {item.title}
            </Link>
          </Heading>
          <Text style={{ ...small, margin: "0 0 12px" }}>
            {m.published(humanDate(item.published, language))}
            {item.lang && m.untranslated ? ` ${m.untranslated}` : ""}
          </Text>
          <Text style={text}>{item.summary}</Text>
          {item.outcomes.length ? (
            <>
              <Heading as="h3" style={label}>
                {m.keyOutcomes}
              </Heading>
              <OutcomeList outcomes={item.outcomes} language={language} />
            </>
          ) : null}
          <Text style={{ ...text, margin: "4px 0 0" }}>
            <Link href={item.url} style={{ ...link, fontWeight: 600 }}>
              {m.readFull}
            </Link>
          </Text>
        </Section>
      ))}
      {props.moreItems.length ? (
        <Section>
          <Hr style={{ borderColor: colors.line, margin: "24px 0 0" }} />
          <Text style={{ ...text, fontWeight: 700, margin: "20px 0 8px" }}>{m.alsoPublished}</Text>
          <ul style={{ margin: "0 0 12px 22px", padding: "0", color: colors.text }}>
            {props.moreItems.map((m) => (
              <li key={m.url} style={{ margin: "0 0 6px", fontSize: "15px", lineHeight: "22px" }}>
                <Link href={m.url} style={link}>
                  {m.title}
                </Link>
              </li>
            ))}
          </ul>
          <Text style={{ ...text, fontSize: "15px", lineHeight: "22px" }}>
            {m.leftOut[0]}
            <Link href={props.webUrl} style={link}>
              {m.leftOut[1]}
            </Link>
            {m.leftOut[2]}
          </Text>
        </Section>
      ) : null}
    </Layout>
  );
}

const previewSite = "http://localhost:8787";
const previewBriefing = `${previewSite}/briefings/nato-defence-ministers-october-2024`;

Digest.PreviewProps = {
  siteTitle: "briefwire",
  siteUrl: previewSite,
  publisher: "briefwire",
  postalAddress: "briefwire, 1 Example Street, 1000 Brussels, Belgium",
  language: "en-GB",
  cadence: "daily",
  editionId: "daily-2024-10-17",
  editionDate: "2024-10-17T07:00:00Z",
  items: [
    {
      slug: "nato-defence-ministers-october-2024",
      title: "NATO Defence Ministers meet on deterrence, Ukraine and Indo-Pacific partners",
      url: previewBriefing,
      published: "2024-10-16T12:00:00Z",
      summary:
        "Ahead of the Defence Ministers' meeting in Brussels on 17–18 October 2024, Secretary General Mark Rutte set out what Allies are expected to agree: a push on common standards, a new NATO command for Ukraine, progress on the €40 billion aid pledge, talks with Ukraine's defence minister and, for the first time, a session with Indo-Pacific partners.",
      outcomes: [
        {
          id: "standardisation",
          headline: "Ministers to approve a new NATO initiative on standardisation",
          detail:
            'Better use of common standards is meant to cut the cost of buying equipment; Rutte called it "essential work for NATO".',
          figures: [],
          url: `${previewBriefing}#standardisation`,
        },
        {
          id: "wiesbaden-command",
          headline: "NATO command in Wiesbaden for Ukraine security assistance and training on track",
          detail:
            "The new command will coordinate the security assistance and training that Allies provide to Ukraine.",
          figures: [],
          url: `${previewBriefing}#wiesbaden-command`,
        },
        {
          id: "ukraine-military-aid",
          headline: "Allies provided €20.9 billion of military aid to Ukraine in the first half of 2024",
          detail:
            'Allies are on track to deliver the €40 billion pledged for the year; "NATO is delivering for Ukraine", Rutte said.',
          figures: [
            { label: "Military assistance provided in H1 2024", value: 20.9, unit: "EUR bn" },
            { label: "Annual pledge", value: 40, unit: "EUR bn" },
          ],
          url: `${previewBriefing}#ukraine-military-aid`,
        },
        {
          id: "nato-ukraine-council",
          headline: "NATO-Ukraine Council with Defence Minister Rustem Umerov",
          detail:
            "Ministers meet their Ukrainian counterpart on Thursday evening to discuss the battlefield and Ukraine's most urgent needs.",
          figures: [],
          url: `${previewBriefing}#nato-ukraine-council`,
        },
        {
          id: "indo-pacific-partners",
          headline:
            "Australia, Japan, New Zealand and the Republic of Korea join a Defence Ministers' meeting for the first time",
          detail:
            "Together with the European Union, the Indo-Pacific partners discuss the global security situation with Allies.",
          figures: [],
          url: `${previewBriefing}#indo-pacific-partners`,
        },
      ],
    },
  ],
  moreItems: [],
  webUrl: `${previewSite}/digests/daily-2024-10-17`,
  unsubscribeUrl: `${previewSite}/unsubscribe/u.1.preview.0.preview`,
  preferencesUrl: `${previewSite}/preferences/p.1.preview.0.preview`,
} satisfies DigestProps;
