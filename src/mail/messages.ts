// The subscription mails: confirmation (double opt-in) and welcome, built from the React Email
// templates in emails/ and addressed to one reader.
import { createElement } from "react";
import ConfirmSubscription from "../../emails/ConfirmSubscription.tsx";
import Welcome from "../../emails/Welcome.tsx";
import type { Cadence } from "../cadences.ts";
import type { SiteInfo } from "../content/schema.ts";
import { type Locale, readerLocale } from "../i18n/locale.ts";
import { MAIL_CATALOGUES, mailEn } from "../i18n/mail-messages.ts";
import { briefingUrl } from "../render/briefing-html.ts";
import { listHeaders } from "./list-headers.ts";
import { renderMail } from "./render.ts";
import type { OutgoingMail } from "./transport.ts";

export interface MailContext {
  content: SiteInfo;
  base: string;
  from: string;
}

function siteProps({ content, base }: MailContext, locale: Locale) {
  const { site } = content;
  return {
    siteTitle: site.title,
    siteUrl: `${base}${locale.prefix}/`,
    publisher: site.publisher,
    postalAddress: site.postalAddress,
    language: locale.tag,
    m: MAIL_CATALOGUES[locale.code] ?? mailEn,
  };
}

export async function confirmationMail(
  ctx: MailContext,
  to: string,
  confirmUrl: string,
  cadence: Cadence,
  language: string | null = null,
): Promise<OutgoingMail> {
  const props = siteProps(ctx, readerLocale(ctx.content.site, language));
  const rendered = await renderMail(
    createElement(ConfirmSubscription, { ...props, confirmUrl, cadence, expiresInDays: 7 }),
  );
  return {
    from: ctx.from,
    to,
    subject: props.m.confirmSubject(ctx.content.site.title),
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
  language: string | null = null,
): Promise<OutgoingMail> {
  const latest = ctx.content.latest;
  const locale = readerLocale(ctx.content.site, language);
  const props = siteProps(ctx, locale);
  // The latest briefing on the reader's language's page, under its title there (the original's if untranslated).
  const latestTitle = latest ? (latest.titles?.[locale.code] ?? latest.title) : "";
  const rendered = await renderMail(
    createElement(Welcome, {
      ...props,
      ...links,
      cadence,
      topics,
      ...(latest
        ? { latest: { title: latestTitle, url: briefingUrl(`${ctx.base}${locale.prefix}`, latest.slug) } }
        : {}),
    }),
  );
  return {
    from: ctx.from,
    to,
    subject: props.m.welcomeSubject(ctx.content.site.title),
    ...rendered,
    headers: listHeaders(ctx.content.site, ctx.base, links.unsubscribeUrl),
    tags: [{ name: "kind", value: "welcome" }],
  };
}
