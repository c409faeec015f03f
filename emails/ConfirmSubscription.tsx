// Double opt-in: the mail with the confirm link. Nothing is sent to the address after this unless the
// reader confirms.
import { Button, Heading, Text } from "@react-email/components";
import type { Cadence } from "../src/cadences.ts";
import { type MailMessages, mailEn } from "../src/i18n/mail-messages.ts";
import { colors, Layout } from "./components/Layout.tsx";

export interface ConfirmSubscriptionProps {
  siteTitle: string;
  siteUrl: string;
  publisher: string;
  postalAddress: string;
  /** BCP 47 tag, e.g. "en-GB". */
  language: string;
  confirmUrl: string;
  cadence: Cadence;
  expiresInDays: number;
  /** The words of the reader's language (default: English). */
  m?: MailMessages;
}

const text = { fontSize: "16px", lineHeight: "26px", color: colors.text };
const small = { fontSize: "14px", lineHeight: "22px", color: colors.muted };

export default function ConfirmSubscription(props: ConfirmSubscriptionProps) {
  const m = props.m ?? mailEn;
  return (
    <Layout {...props} m={m} preview={m.confirmSubject(props.siteTitle)} reason={m.confirmReason(props.siteUrl)}>
      <Heading as="h1" style={{ fontSize: "24px", color: colors.text, margin: "24px 0 12px" }}>
        {m.confirmHeading}
      </Heading>
      <Text style={text}>{m.confirmAsk(m.confirmWhat[props.cadence], props.siteTitle)}</Text>
      <Button
        href={props.confirmUrl}
        style={{
          backgroundColor: colors.accent,
          color: "#ffffff",
          borderRadius: "6px",
          padding: "12px 20px",
          fontWeight: 600,
          fontSize: "16px",
        }}
      >
        {m.confirmButton}
      </Button>
      <Text style={small}>
        {m.confirmOrLink} {props.confirmUrl}
        <br />
        {m.confirmIgnore(props.expiresInDays)}
      </Text>
    </Layout>
  );
}

ConfirmSubscription.PreviewProps = {
  siteTitle: "briefwire",
  siteUrl: "http://localhost:8787",
  publisher: "briefwire",
  postalAddress: "briefwire, 1 Example Street, 1000 Brussels, Belgium",
  language: "en-GB",
  confirmUrl: "http://localhost:8787/confirm/c.1.preview.0.preview",
  cadence: "daily",
  expiresInDays: 7,
} satisfies ConfirmSubscriptionProps;
