// The frame every mail shares: header with the site name, the body, and a footer with the
// publisher's postal address (CAN-SPAM) and, on list mail, the unsubscribe and preferences links.
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { type MailMessages, mailEn } from "../../src/i18n/mail-messages.ts";
import { publisherLine } from "../../src/render/publisher-line.ts";

export interface LayoutProps {
  siteTitle: string;
  siteUrl: string;
  publisher: string;
  postalAddress: string;
  /** BCP 47 tag of the site's language (data/site.yaml), e.g. "en-GB": the mail's lang attribute. */
  language: string;
  /** Shown in the inbox list next to the subject. */
  preview: string;
  /** Present on list mail (welcome, digest): a visible way out, and to change what arrives. */
  unsubscribeUrl?: string;
  preferencesUrl?: string;
  /** Why this person gets this mail, in one sentence. */
  reason: string;
  /** The words of the reader's language (default: English). */
  m?: MailMessages;
  children: ReactNode;
}

export const colors = { text: "#1b1f24", muted: "#5b6470", accent: "#0b5cad", line: "#d8dde3", card: "#f5f7f9" };

const body = {
  backgroundColor: "#ffffff",
  fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
};
const container = { maxWidth: "600px", margin: "0 auto", padding: "24px 20px" };
const brand = { fontSize: "20px", fontWeight: 700, color: colors.text, textDecoration: "none" };
const footer = { fontSize: "13px", lineHeight: "20px", color: colors.muted, margin: "4px 0" };

export function Layout(props: LayoutProps) {
  const m = props.m ?? mailEn;
  return (
    <Html lang={props.language}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section>
            <Link href={props.siteUrl} style={brand}>
              {props.siteTitle}
            </Link>
          </Section>
          {props.children}
          <Hr style={{ borderColor: colors.line, margin: "28px 0 16px" }} />
          <Text style={footer}>{props.reason}</Text>
          {props.unsubscribeUrl ? (
            <Text style={footer}>
              <Link href={props.unsubscribeUrl} style={{ color: colors.muted, textDecoration: "underline" }}>
                {m.unsubscribe}
              </Link>
              {props.preferencesUrl ? (
                <>
                  {" · "}
                  <Link href={props.preferencesUrl} style={{ color: colors.muted, textDecoration: "underline" }}>
                    {m.changePreferences}
                  </Link>
                </>
              ) : null}
            </Text>
          ) : null}
          <Text style={footer}>{publisherLine(props.publisher, props.postalAddress)}</Text>
        </Container>
      </Body>
    </Html>
  );
}
