// Pages of the subscription flows. Personal pages (reached by signed links) are noindex and say
// plainly what a button will do before anything happens.
import { html, raw } from "hono/html";
import type { SiteInfo } from "../content/schema.ts";
import { defaultLanguage, type Locale, localesOf } from "../i18n/locale.ts";
import { en } from "../i18n/messages.ts";
import type { Cadence } from "../subscriptions/store.ts";
import { type Html, sitePage } from "./layout.ts";
import { languageSelect, type SubscribeFormState, subscribeForm } from "./pages.ts";

export interface Ctx {
  content: Pick<SiteInfo, "site" | "version">;
  base: string;
}

function personal(ctx: Ctx, title: string, main: Html): Html {
  return sitePage(ctx, { title, path: "/", main, noindex: true });
}

export function checkInboxPage(ctx: Ctx): Html {
  return personal(
    ctx,
    "Check your inbox",
    html`<h1>Check your inbox</h1>
<div class="notice"><p>If the address can receive our digest, a mail with a confirmation link is on its way.
Open it and press the button to start your subscription.</p>
<p class="meta">Nothing arrives? Look in the spam folder, or try again in a few minutes. If you don't confirm, you won't hear from us.</p></div>
<p><a href="/">Back to the latest briefings</a></p>`,
  );
}

export function subscribeErrorPage(ctx: Ctx, state: SubscribeFormState): Html {
  const site = ctx.content.site;
  const languages = { locales: localesOf(site), selected: state.language ?? defaultLanguage(site) };
  return personal(
    ctx,
    "Please check the address",
    html`<h1>Please check the address</h1>${subscribeForm(state, en, languages)}`,
  );
}

/** A subscribe form posted from another site's page: nothing is wrong with the address, so say what is. */
export function foreignFormPage(ctx: Ctx): Html {
  return personal(
    ctx,
    "Please subscribe from this site's own page",
    html`<h1>Please subscribe from this site's own page</h1>
<p>This form can only be sent from this site's own pages, so nothing was recorded. To subscribe, enter your address here.</p>
${subscribeForm()}`,
  );
}

export function tooManyTriesPage(ctx: Ctx): Html {
  return personal(
    ctx,
    "Too many tries",
    html`<h1>Too many tries</h1><p>Please wait a minute and try again.</p><p><a href="/">Back to the latest briefings</a></p>`,
  );
}

const PROBLEMS = {
  invalid: ["This link is not valid", "It may have been copied incompletely. Please open it again from the mail."],
  retired: [
    "This link is no longer valid",
    "It comes from an older mail, or was changed on the way. To change or stop your subscription, use the links at the foot of the latest digest you received; or subscribe again below to choose afresh.",
  ],
  unknown: ["This link is not valid", "We don't know this subscription. You can subscribe again on the home page."],
  expired: [
    "This link has expired",
    "Confirmation links work for 7 days. Subscribe again and we'll send you a fresh one.",
  ],
  stale: [
    "This link is no longer valid",
    "It belongs to an earlier subscription. Subscribe again and we'll send you a fresh confirmation.",
  ],
} as const;

export function linkProblemPage(ctx: Ctx, problem: keyof typeof PROBLEMS): Html {
  const [heading, detail] = PROBLEMS[problem];
  return personal(ctx, heading, html`<h1>${heading}</h1><p>${detail}</p>${subscribeForm()}`);
}

export function confirmPage(ctx: Ctx, email: string, action: string): Html {
  return personal(
    ctx,
    "Confirm your subscription",
    html`<h1>Confirm your subscription</h1>
<p>Press the button to start receiving the digest at <strong>${email}</strong>.</p>
<form method="post" action="${action}"><button type="submit">Confirm my subscription</button></form>
<p class="meta">Didn't ask for this? Just close this page; nothing happens.</p>`,
  );
}

export function confirmedPage(ctx: Ctx, email: string, preferencesUrl: string): Html {
  return personal(
    ctx,
    "You're subscribed",
    html`<h1>You're subscribed</h1>
<div class="notice"><p>The digest will come to <strong>${email}</strong>. A welcome mail is on its way with links to change
how often you hear from us, or to leave.</p></div>
<p><a href="${preferencesUrl}">Choose how often and which topics</a> · <a href="/">Read the latest briefings</a></p>`,
  );
}

export function unsubscribePage(ctx: Ctx, email: string, action: string, preferencesUrl: string): Html {
  return personal(
    ctx,
    "Unsubscribe",
    html`<h1>Unsubscribe</h1>
<p>Stop sending the digest to <strong>${email}</strong>?</p>
<form method="post" action="${action}"><button type="submit">Unsubscribe</button></form>
<p class="meta">Rather get less mail? <a href="${preferencesUrl}">Switch to weekly or pick topics</a> instead.</p>`,
  );
}

export function unsubscribedPage(ctx: Ctx, email: string): Html {
  return personal(
    ctx,
    "You're unsubscribed",
    html`<h1>You're unsubscribed</h1>
<div class="notice"><p><strong>${email}</strong> will get no more digests. Changed your mind? Subscribe again below; we'll ask you to confirm.</p></div>
${subscribeForm({ email })}`,
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
  if (s.status !== "confirmed" && s.status !== "pending") {
    return personal(
      ctx,
      "Not subscribed",
      html`<h1>Not subscribed</h1><p><strong>${s.email}</strong> is not subscribed at the moment.</p>${subscribeForm({ email: s.email })}`,
    );
  }
  const checked = (on: boolean) => (on ? raw(" checked") : raw(""));
  const topicBoxes = s.allTopics.map(
    (t) =>
      html`<label><input type="checkbox" name="topics" value="${t}"${checked(s.topics.includes(t))}> ${topicName(t)}</label>`,
  );
  const notice = s.saved
    ? html`<p class="notice" role="status">Saved. The next digest follows these settings.</p>`
    : raw("");
  const error = s.error ? html`<p class="error" role="alert">${s.error}</p>` : raw("");
  return personal(
    ctx,
    "Your preferences",
    html`<h1>Your preferences</h1>
<p>For <strong>${s.email}</strong></p>
${notice}${error}
<form class="preferences" method="post" action="${s.action}">
<fieldset>
<legend>How often</legend>
<div class="choices">
<label><input type="radio" name="cadence" value="instant"${checked(s.cadence === "instant")}> As it happens: one mail within 15 minutes of new briefings</label>
<label><input type="radio" name="cadence" value="daily"${checked(s.cadence === "daily")}> Daily, when there is something new</label>
<label><input type="radio" name="cadence" value="weekly"${checked(s.cadence === "weekly")}> Weekly, on Mondays</label>
</div>
</fieldset>
<fieldset aria-describedby="topics-hint">
<legend>Topics</legend>
<p class="meta" id="topics-hint">Tick none to get every briefing.</p>
<div class="topics">${topicBoxes}</div>
</fieldset>
${s.languages && s.languages.length > 1 ? languageSelect({ locales: s.languages, selected: s.language ?? "" }, en) : raw("")}<p><button type="submit">Save preferences</button></p>
</form>
<p class="meta"><a href="${s.unsubscribeUrl}">Unsubscribe from everything</a></p>`,
  );
}
