// Sent once a reader confirms: what they will get, when, and how to change it or leave.
import { Heading, Link, Text } from "@react-email/components";
import type { Cadence } from "../src/cadences.ts";
import { colors, Layout } from "./components/Layout.tsx";

export interface WelcomeProps {
  siteTitle: string;
  siteUrl: string;
  publisher: string;
  postalAddress: string;
  /** BCP 47 tag, e.g. "en-GB". */
  language: string;
  cadence: Cadence;
  /** Tag slugs; empty = every topic. */
  topics: string[];
  unsubscribeUrl: string;
  preferencesUrl: string;
  latest?: { title: string; url: string };
}

const text = { fontSize: "16px", lineHeight: "26px", color: colors.text };

export default function Welcome(props: WelcomeProps) {
  const when = props.cadence === "weekly" ? "every Monday at 07:00 UTC" : "every morning at 07:00 UTC";
  const what = props.topics.length ? `briefings tagged ${props.topics.join(", ")}` : "every new briefing";
  return (
    <Layout
      {...props}
      preview={`You're subscribed to ${props.siteTitle}`}
      reason={`You receive this because you confirmed your subscription to ${props.siteTitle}.`}
    >
      <Heading as="h1" style={{ fontSize: "24px", color: colors.text, margin: "24px 0 12px" }}>
        You're subscribed
      </Heading>
      <Text style={text}>
        {props.cadence === "instant"
          ? `Thank you for confirming. Within 15 minutes of ${what === "every new briefing" ? "a new briefing" : `one of the ${what}`} appearing on the site, you will get one short mail with its key outcomes (briefings appearing together come in one mail) — and nothing while there is nothing new.`
          : `Thank you for confirming. You will get a short digest ${when} with the key outcomes of ${what} published since the last one — and nothing on days without new briefings.`}
      </Text>
      {props.latest ? (
        <Text style={text}>
          The latest briefing: <Link href={props.latest.url}>{props.latest.title}</Link>
        </Text>
      ) : null}
      <Text style={text}>
        You can <Link href={props.preferencesUrl}>change how often and which topics</Link> at any time, or leave with
        one click from any mail.
      </Text>
    </Layout>
  );
}

Welcome.PreviewProps = {
  siteTitle: "briefwire",
  siteUrl: "http://localhost:8787",
  publisher: "briefwire",
  postalAddress: "briefwire, 1 Example Street, 1000 Brussels, Belgium",
  language: "en-GB",
  cadence: "daily",
  topics: [],
  unsubscribeUrl: "http://localhost:8787/unsubscribe/u.1.preview.0.preview",
  preferencesUrl: "http://localhost:8787/preferences/p.1.preview.0.preview",
  latest: {
    title: "NATO Defence Ministers meet on deterrence, Ukraine and Indo-Pacific partners",
    url: "http://localhost:8787/briefings/nato-defence-ministers-october-2024",
  },
} satisfies WelcomeProps;
