// Pages of the subscription flows. Personal pages (reached by signed links) are noindex and say
// plainly what a button will do before anything happens.
import { html, raw } from "hono/html";
import type { SiteInfo } from "../content/schema.ts";
import { defaultLanguage, type Locale, localeFor, localesOf } from "../i18n/locale.ts";
import type { LinkProblem } from "../i18n/messages.ts";
import type { Cadence } from "../subscriptions/store.ts";
import { type Html, sitePage } from "./layout.ts";
import { languageSelect, type SubscribeFormState, subscribeForm } from "./pages.ts";

export interface Ctx {
  content: Pick<SiteInfo, "site" | "version">;
  base: string;
  /** The reader's language: the subscriber's, or the one the form was sent in. Default: the site's. */
  locale?: Locale;
}

/** The page's locale: the context's, else the site's default. */
export const localeOfCtx = (ctx: Ctx): Locale =>
  ctx.locale ?? localeFor(ctx.content.site, defaultLanguage(ctx.content.site));

function personal(ctx: Ctx, title: string, main: Html): Html {
  const locale = localeOfCtx(ctx);
  return sitePage(ctx, { title, path: "/", main, noindex: true, locale });
}

/** The form again, in the page's language, with the language choice when the site has several. */
function formIn(ctx: Ctx, state: SubscribeFormState = {}) {
  const locale = localeOfCtx(ctx);
  const site = ctx.content.site;
  return subscribeForm(
    state,
    locale.m,
    { locales: localesOf(site), selected: state.language ?? locale.code },
    `${locale.prefix}/subscribe`,
  );
}

/** "[before]<strong>address</strong>[after]". */
const around = ([before, after]: readonly string[], address: string) =>
  html`${before}<strong>${address}</strong>${after}`;

export function checkInboxPage(ctx: Ctx): Html {
  const { m, prefix } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.checkInboxTitle,
    html`<h1>${m.sub.checkInboxTitle}</h1>
<div class="notice"><p>${m.sub.checkInboxBody}</p>
<p class="meta">${m.sub.checkInboxHint}</p></div>
<p><a href="${prefix}/">${m.backToLatest}</a></p>`,
  );
}

export function subscribeErrorPage(ctx: Ctx, state: SubscribeFormState): Html {
  const { m } = localeOfCtx(ctx);
  return personal(ctx, m.sub.checkAddressTitle, html`<h1>${m.sub.checkAddressTitle}</h1>${formIn(ctx, state)}`);
}

/** A subscribe form posted from another site's page: nothing is wrong with the address, so say what is. */
export function foreignFormPage(ctx: Ctx): Html {
  const { m } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.foreignTitle,
    html`<h1>${m.sub.foreignTitle}</h1>
<p>${m.sub.foreignBody}</p>
${formIn(ctx)}`,
  );
}

export function tooManyTriesPage(ctx: Ctx): Html {
  const { m, prefix } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.tooManyTitle,
    html`<h1>${m.sub.tooManyTitle}</h1><p>${m.sub.tooManyBody}</p><p><a href="${prefix}/">${m.backToLatest}</a></p>`,
  );
}

export function linkProblemPage(ctx: Ctx, problem: LinkProblem): Html {
  const [heading, detail] = localeOfCtx(ctx).m.sub.problems[problem];
  return personal(ctx, heading, html`<h1>${heading}</h1><p>${detail}</p>${formIn(ctx)}`);
}

export function confirmPage(ctx: Ctx, email: string, action: string): Html {
  const { m } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.confirmTitle,
    html`<h1>${m.sub.confirmTitle}</h1>
<p>${around(m.sub.confirmBody, email)}</p>
<form method="post" action="${action}"><button type="submit">${m.sub.confirmButton}</button></form>
<p class="meta">${m.sub.confirmIgnore}</p>`,
  );
}

export function confirmedPage(ctx: Ctx, email: string, preferencesUrl: string): Html {
  const { m, prefix } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.confirmedTitle,
    html`<h1>${m.sub.confirmedTitle}</h1>
<div class="notice"><p>${around(m.sub.confirmedBody, email)}</p></div>
<p><a href="${preferencesUrl}">${m.sub.choosePreferences}</a> · <a href="${prefix}/">${m.sub.readLatest}</a></p>`,
  );
}

export function unsubscribePage(ctx: Ctx, email: string, action: string, preferencesUrl: string): Html {
  const { m } = localeOfCtx(ctx);
  const [before, link, after] = m.sub.ratherLess;
  return personal(
    ctx,
    m.sub.unsubscribeTitle,
    html`<h1>${m.sub.unsubscribeTitle}</h1>
<p>${around(m.sub.unsubscribeAsk, email)}</p>
<form method="post" action="${action}"><button type="submit">${m.sub.unsubscribeButton}</button></form>
<p class="meta">${before}<a href="${preferencesUrl}">${link}</a>${after}</p>`,
  );
}

export function unsubscribedPage(ctx: Ctx, email: string): Html {
  const { m } = localeOfCtx(ctx);
  return personal(
    ctx,
    m.sub.unsubscribedTitle,
    html`<h1>${m.sub.unsubscribedTitle}</h1>
<div class="notice"><p>${around(m.sub.unsubscribedBody, email)}</p></div>
${formIn(ctx, { email })}`,
  );
}

export interface PreferencesState {
  email: string;
  status: string;
  cadence: Cadence;
  topics: string[];
  allTopics: string[];
  action: string;
  unsubscribeUrl: string;
  /** The language of the reader's mail, and the site's languages to choose from (shown when there are two or more). */
  language?: string;
  languages?: Locale[];
  saved?: boolean;
  error?: string;
}

/** A topic as a reader names it: site.yaml has no names for tags, so its slug in title case ("Defence Industry"). */
function topicName(slug: string): string {
  return slug
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

export function preferencesPage(ctx: Ctx, s: PreferencesState): Html {
  const { m } = localeOfCtx(ctx);
  if (s.status !== "confirmed" && s.status !== "pending") {
    return personal(
      ctx,
      m.sub.notSubscribedTitle,
      html`<h1>${m.sub.notSubscribedTitle}</h1><p>${around(m.sub.notSubscribedBody, s.email)}</p>${formIn(ctx, { email: s.email })}`,
    );
  }
  const checked = (on: boolean) => (on ? raw(" checked") : raw(""));
  const topicBoxes = s.allTopics.map(
    (t) =>
      html`<label><input type="checkbox" name="topics" value="${t}"${checked(s.topics.includes(t))}> ${topicName(t)}</label>`,
  );
  const notice = s.saved ? html`<p class="notice" role="status">${m.sub.saved}</p>` : raw("");
  const error = s.error ? html`<p class="error" role="alert">${s.error}</p>` : raw("");
  const cadence = (c: Cadence) =>
    html`<label><input type="radio" name="cadence" value="${c}"${checked(s.cadence === c)}> ${m.sub.preferenceCadences[c]}</label>
`;
  return personal(
    ctx,
    m.sub.preferencesTitle,
    html`<h1>${m.sub.preferencesTitle}</h1>
<p>${m.sub.preferencesFor} <strong>${s.email}</strong></p>
${notice}${error}
<form class="preferences" method="post" action="${s.action}">
<fieldset>
<legend>${m.howOften}</legend>
<div class="choices">
${cadence("instant")}${cadence("daily")}${cadence("weekly")}</div>
</fieldset>
<fieldset aria-describedby="topics-hint">
<legend>${m.sub.topics}</legend>
<p class="meta" id="topics-hint">${m.sub.topicsHint}</p>
<div class="topics">${topicBoxes}</div>
</fieldset>
${s.languages && s.languages.length > 1 ? languageSelect({ locales: s.languages, selected: s.language ?? "" }, m) : raw("")}<p><button type="submit">${m.sub.savePreferences}</button></p>
</form>
<p class="meta"><a href="${s.unsubscribeUrl}">${m.sub.unsubscribeAll}</a></p>`,
  );
}
