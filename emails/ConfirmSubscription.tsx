// Double opt-in: the mail with the confirm link. Nothing is sent to the address after this unless the
// reader confirms.
import { Button, Heading, Text } from "@react-email/components";
import type { Cadence } from "../src/cadences.ts";
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
}

const text = { fontSize: "16px", lineHeight: "26px", color: colors.text };
const small = { fontSize: "14px", lineHeight: "22px", color: colors.muted };

export default function ConfirmSubscription(props: ConfirmSubscriptionProps) {
  const how = {
    instant: "the key outcomes of each new briefing within 15 minutes of its appearing",
    daily: "a daily digest of the key outcomes of new briefings",
    weekly: "a weekly digest (Mondays) of the key outcomes of new briefings",
  }[props.cadence];
  return (
    <Layout
      {...props}
      preview={`Confirm your subscription to ${props.siteTitle}`}
      reason={`You received this because this address was entered on ${props.siteUrl}. If that was not you, ignore this mail.`}
    >
      <Heading as="h1" style={{ fontSize: "24px", color: colors.text, margin: "24px 0 12px" }}>
        Confirm your subscription
      </Heading>
      <Text style={text}>
        Someone — we hope you — asked to receive {how} from {props.siteTitle} at this address. Press the button to
        confirm:
      </Text>
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
        Yes, subscribe me
      </Button>
      <Text style={small}>
        Or open this link: {props.confirmUrl}
        <br />
        If you ignore this mail, you will not be subscribed and will not hear from us again. The link works for{" "}
        {props.expiresInDays} days.
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
