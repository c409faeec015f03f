// The subscription mails: confirmation (double opt-in) and welcome, built from the React Email
// templates in emails/ and addressed to one reader.
import { createElement } from "react";
import ConfirmSubscription from "../../emails/ConfirmSubscription.tsx";
import Welcome from "../../emails/Welcome.tsx";
import type { Cadence } from "../cadences.ts";
import type { SiteInfo } from "../content/schema.ts";
import { briefingUrl } from "../render/briefing-html.ts";
import { listHeaders } from "./list-headers.ts";
import { renderMail } from "./render.ts";
import type { OutgoingMail } from "./transport.ts";

export interface MailContext {
  content: SiteInfo;
  base: string;
  from: string;
}

function siteProps({ content, base }: MailContext) {
  const { site } = content;
  return {
    siteTitle: site.title,
    siteUrl: `${base}/`,
    publisher: site.publisher,
    postalAddress: site.postalAddress,
    language: site.language,
  };
}

export async function confirmationMail(
  ctx: MailContext,
  to: string,
  confirmUrl: string,
  cadence: Cadence,
): Promise<OutgoingMail> {
  const rendered = await renderMail(
    createElement(ConfirmSubscription, { ...siteProps(ctx), confirmUrl, cadence, expiresInDays: 7 }),
  );
  return {
    from: ctx.from,
    to,
    subject: `Confirm your subscription to ${ctx.content.site.title}`,
    ...rendered,
    headers: {},
    tags: [{ name: "kind", value: "confirmation" }],
  };
}

export async function welcomeMail(
  ctx: MailContext,
  to: string,
  links: { unsubscribeUrl: string; preferencesUrl: string },
  cadence: Cadence,
  topics: string[],
): Promise<OutgoingMail> {
  const latest = ctx.content.latest;
  const rendered = await renderMail(
    createElement(Welcome, {
      ...siteProps(ctx),
      ...links,
      cadence,
      topics,
      ...(latest ? { latest: { title: latest.title, url: briefingUrl(ctx.base, latest.slug) } } : {}),
    }),
  );
  return {
    from: ctx.from,
    to,
    subject: `You're subscribed to ${ctx.content.site.title}`,
    ...rendered,
    headers: listHeaders(ctx.content.site, ctx.base, links.unsubscribeUrl),
    tags: [{ name: "kind", value: "welcome" }],
  };
}
