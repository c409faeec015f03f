// Sent once a reader confirms: what they will get, when, and how to change it or leave.
import { Heading, Link, Text } from "@react-email/components";
import type { Cadence } from "../src/cadences.ts";
import { type MailMessages, mailEn } from "../src/i18n/mail-messages.ts";
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
  /** The words of the reader's language (default: English). */
  m?: MailMessages;
}

const text = { fontSize: "16px", lineHeight: "26px", color: colors.text };

export default function Welcome(props: WelcomeProps) {
  const m = props.m ?? mailEn;
  const [before, link, after] = m.welcomeChange;
  return (
    <Layout {...props} m={m} preview={m.welcomeSubject(props.siteTitle)} reason={m.welcomeReason(props.siteTitle)}>
      <Heading as="h1" style={{ fontSize: "24px", color: colors.text, margin: "24px 0 12px" }}>
        {m.welcomeHeading}
      </Heading>
      <Text style={text}>
        {props.cadence === "instant" ? m.welcomeInstant(props.topics) : m.welcomeDigest(props.cadence, props.topics)}
      </Text>
      {props.latest ? (
        <Text style={text}>
          {m.welcomeLatest} <Link href={props.latest.url}>{props.latest.title}</Link>
        </Text>
      ) : null}
      <Text style={text}>
        {before}
        <Link href={props.preferencesUrl}>{link}</Link>
        {after}
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
