// Every interface string of the pages and feeds, one catalogue per language. French is checked
// against English by its type: a string missing from a catalogue does not compile.
import type { Cadence } from "../cadences.ts";

/** Why a signed link does not lead where it should (src/subscriptions/service.ts checkLink). */
export type LinkProblem = "invalid" | "retired" | "unknown" | "expired" | "stale";

export const en = {
  /** The language's own name, on the link that switches to it. */
  name: "English",
  switchTo: "This page in English",
  latestBriefings: "Latest briefings",
  noBriefings: "No briefings yet.",
  olderInFeeds: "Older briefings are in the",
  feeds: "feeds",
  updated: "updated",
  keyOutcomes: "Key outcomes",
  source: "Source:",
  fromTheBriefing: "From the briefing",
  /** Beside a briefing shown in the default language on another language's page. */
  untranslated: "(not translated)",
  taggedHeading: (tag: string) => `Briefings tagged “${tag}”`,
  taggedTitle: (tag: string) => `Tagged ${tag}`,
  taggedDescription: (tag: string) => `Briefings tagged ${tag}`,
  followTopic: "Follow this topic:",
  allEvents: "The events these briefings cover:",
  topicEvents: "This topic’s events:",
  eventAndOthers: "This event and the others we cover:",
  subscribeInCalendar: "subscribe in your calendar",
  calendarFile: "calendar file (.ics)",
  subscribeHeading: "Get the key outcomes by email",
  subscribeBlurb: "One short digest when new briefings appear. Confirm by email; leave with one click.",
  emailAddress: "Email address",
  subscribe: "Subscribe",
  howOften: "How often",
  mailLanguage: "Language of the emails",
  cadences: { instant: "As it happens", daily: "Daily", weekly: "Weekly (Mondays)" } satisfies Record<Cadence, string>,
  outcomesFeedLink: "Key outcomes feed",
  pastDigests: "Past digests",
  backToLatest: "Back to the latest briefings",
  notFound: "Not found",
  noBriefingHere: "There is no briefing at this address.",
  noPageHere: "There is no page at this address.",
  noBriefingTagged: (tag: string) => `No briefing is tagged “${tag}”.`,
  outcomesFeedTitle: (site: string) => `${site}: key outcomes`,
  outcomesFeedDescription: "Every key outcome, one entry each.",
  taggedFeedDescription: (tag: string) => `Briefings tagged ${tag}.`,
  calendarName: (site: string) => `${site}: events`,
  calendarTagName: (site: string, tag: string) => `${site}: ${tag} events`,
  calendarDescription: "Events covered by the briefings.",
  calendarTagDescription: (tag: string) => `Events covered by the briefings tagged ${tag}.`,
  fullBriefing: "Full briefing:",
  keyOutcomesLead: "Key outcomes:",
  /** The digest archive (src/web/archive-pages.ts). */
  archive: {
    kinds: { instant: "Instant alert", daily: "Daily digest", weekly: "Weekly digest" } satisfies Record<
      Cadence,
      string
    >,
    all: "All digests",
    gone: "The briefings of this edition are no longer published.",
    none: "No digest has been sent yet.",
    briefings: (n: number) => `${n} briefing${n === 1 ? "" : "s"}`,
    readFull: "Read the full briefing →",
    noSuchDigest: "There is no digest with this id.",
  },
  /** A field's problem on the subscribe form, from the reason the API gives (in English). */
  formError: (field: string, reason: string) => (field === "email" ? `The address ${reason}.` : `${field} ${reason}.`),
  /** The subscription pages (src/web/subscription-pages.ts); [before, after] pairs go around an address or link. */
  sub: {
    checkInboxTitle: "Check your inbox",
    checkInboxBody:
      "If the address can receive our digest, a mail with a confirmation link is on its way.\nOpen it and press the button to start your subscription.",
    checkInboxHint:
      "Nothing arrives? Look in the spam folder, or try again in a few minutes. If you don't confirm, you won't hear from us.",
    checkAddressTitle: "Please check the address",
    foreignTitle: "Please subscribe from this site's own page",
    foreignBody:
      "This form can only be sent from this site's own pages, so nothing was recorded. To subscribe, enter your address here.",
    tooManyTitle: "Too many tries",
    tooManyBody: "Please wait a minute and try again.",
    problems: {
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
    } satisfies Record<LinkProblem, [string, string]>,
    confirmTitle: "Confirm your subscription",
    confirmBody: ["Press the button to start receiving the digest at ", "."],
    confirmButton: "Confirm my subscription",
    confirmIgnore: "Didn't ask for this? Just close this page; nothing happens.",
    confirmedTitle: "You're subscribed",
    confirmedBody: [
      "The digest will come to ",
      ". A welcome mail is on its way with links to change\nhow often you hear from us, or to leave.",
    ],
    choosePreferences: "Choose how often and which topics",
    readLatest: "Read the latest briefings",
    unsubscribeTitle: "Unsubscribe",
    unsubscribeAsk: ["Stop sending the digest to ", "?"],
    unsubscribeButton: "Unsubscribe",
    ratherLess: ["Rather get less mail? ", "Switch to weekly or pick topics", " instead."],
    unsubscribedTitle: "You're unsubscribed",
    unsubscribedBody: [
      "",
      " will get no more digests. Changed your mind? Subscribe again below; we'll ask you to confirm.",
    ],
    notSubscribedTitle: "Not subscribed",
    notSubscribedBody: ["", " is not subscribed at the moment."],
    saved: "Saved. The next digest follows these settings.",
    preferencesTitle: "Your preferences",
    preferencesFor: "For",
    preferenceCadences: {
      instant: "As it happens: one mail within 15 minutes of new briefings",
      daily: "Daily, when there is something new",
      weekly: "Weekly, on Mondays",
    } satisfies Record<Cadence, string>,
    topics: "Topics",
    topicsHint: "Tick none to get every briefing.",
    savePreferences: "Save preferences",
    unsubscribeAll: "Unsubscribe from everything",
  },
};

export type Messages = typeof en;

export const fr: Messages = {
  name: "Français",
  switchTo: "Cette page en français",
  latestBriefings: "Dernières notes",
  noBriefings: "Aucune note pour l’instant.",
  olderInFeeds: "Les notes plus anciennes sont dans les",
  feeds: "flux",
  updated: "mis à jour le",
  keyOutcomes: "Principaux résultats",
  source: "Source :",
  fromTheBriefing: "Extrait de la note",
  untranslated: "(non traduit)",
  taggedHeading: (tag) => `Notes sur le thème « ${tag} »`,
  taggedTitle: (tag) => `Thème ${tag}`,
  taggedDescription: (tag) => `Notes sur le thème ${tag}`,
  followTopic: "Suivre ce thème :",
  allEvents: "Les événements couverts par ces notes :",
  topicEvents: "Les événements de ce thème :",
  eventAndOthers: "Cet événement et les autres que nous couvrons :",
  subscribeInCalendar: "s’abonner dans votre agenda",
  calendarFile: "fichier d’agenda (.ics)",
  subscribeHeading: "Recevoir les principaux résultats par courriel",
  subscribeBlurb:
    "Un court résumé quand de nouvelles notes paraissent. Confirmation par courriel ; désabonnement en un clic.",
  emailAddress: "Adresse électronique",
  subscribe: "S’abonner",
  howOften: "Fréquence",
  mailLanguage: "Langue des courriels",
  cadences: { instant: "Dès la parution", daily: "Quotidien", weekly: "Hebdomadaire (le lundi)" },
  outcomesFeedLink: "Flux des principaux résultats",
  pastDigests: "Résumés précédents",
  backToLatest: "Retour aux dernières notes",
  notFound: "Page introuvable",
  noBriefingHere: "Aucune note ne se trouve à cette adresse.",
  noPageHere: "Aucune page ne se trouve à cette adresse.",
  noBriefingTagged: (tag) => `Aucune note ne porte le thème « ${tag} ».`,
  outcomesFeedTitle: (site) => `${site} : principaux résultats`,
  outcomesFeedDescription: "Chaque résultat principal, un article chacun.",
  taggedFeedDescription: (tag) => `Notes sur le thème ${tag}.`,
  calendarName: (site) => `${site} : événements`,
  calendarTagName: (site, tag) => `${site} : événements du thème ${tag}`,
  calendarDescription: "Les événements couverts par les notes.",
  calendarTagDescription: (tag) => `Les événements couverts par les notes sur le thème ${tag}.`,
  fullBriefing: "La note complète :",
  keyOutcomesLead: "Principaux résultats :",
  formError: (field, reason) => {
    const name =
      field === "email"
        ? "L’adresse"
        : field === "cadence"
          ? "La fréquence"
          : field === "language"
            ? "La langue"
            : field.startsWith("tags")
              ? "Le thème"
              : field;
    return `${name} ${frenchReason(reason)}.`;
  },
  archive: {
    kinds: { instant: "Alerte", daily: "Résumé quotidien", weekly: "Résumé hebdomadaire" },
    all: "Tous les résumés",
    gone: "Les notes de cette édition ne sont plus publiées.",
    none: "Aucun résumé n’a encore été envoyé.",
    briefings: (n) => `${n} note${n > 1 ? "s" : ""}`,
    readFull: "Lire la note complète →",
    noSuchDigest: "Aucun résumé ne porte cet identifiant.",
  },
  sub: {
    checkInboxTitle: "Consultez votre boîte de réception",
    checkInboxBody:
      "Si l’adresse peut recevoir notre résumé, un courriel avec un lien de confirmation est en route.\nOuvrez-le et appuyez sur le bouton pour commencer votre abonnement.",
    checkInboxHint:
      "Rien n’arrive ? Regardez dans les indésirables, ou réessayez dans quelques minutes. Sans confirmation, vous n’aurez plus de nouvelles de nous.",
    checkAddressTitle: "Vérifiez l’adresse",
    foreignTitle: "Abonnez-vous depuis une page de ce site",
    foreignBody:
      "Ce formulaire ne peut être envoyé que depuis les pages de ce site ; rien n’a été enregistré. Pour vous abonner, saisissez votre adresse ici.",
    tooManyTitle: "Trop de tentatives",
    tooManyBody: "Veuillez patienter une minute et réessayer.",
    problems: {
      invalid: [
        "Ce lien n’est pas valide",
        "Il a peut-être été copié en partie. Ouvrez-le de nouveau depuis le courriel.",
      ],
      retired: [
        "Ce lien n’est plus valide",
        "Il vient d’un ancien courriel, ou a été modifié en route. Pour changer ou arrêter votre abonnement, utilisez les liens en bas du dernier résumé reçu ; ou abonnez-vous de nouveau ci-dessous.",
      ],
      unknown: [
        "Ce lien n’est pas valide",
        "Nous ne connaissons pas cet abonnement. Vous pouvez vous abonner de nouveau sur la page d’accueil.",
      ],
      expired: [
        "Ce lien a expiré",
        "Les liens de confirmation sont valables 7 jours. Abonnez-vous de nouveau et nous vous en enverrons un nouveau.",
      ],
      stale: [
        "Ce lien n’est plus valide",
        "Il appartient à un abonnement précédent. Abonnez-vous de nouveau et nous vous enverrons une nouvelle confirmation.",
      ],
    },
    confirmTitle: "Confirmez votre abonnement",
    confirmBody: ["Appuyez sur le bouton pour recevoir le résumé à l’adresse ", "."],
    confirmButton: "Confirmer mon abonnement",
    confirmIgnore: "Vous n’avez rien demandé ? Fermez simplement cette page ; rien ne se passe.",
    confirmedTitle: "Vous êtes abonné",
    confirmedBody: [
      "Le résumé arrivera à ",
      ". Un courriel de bienvenue est en route, avec les liens pour changer\nla fréquence de nos envois, ou vous désabonner.",
    ],
    choosePreferences: "Choisir la fréquence et les thèmes",
    readLatest: "Lire les dernières notes",
    unsubscribeTitle: "Se désabonner",
    unsubscribeAsk: ["Ne plus envoyer le résumé à ", " ?"],
    unsubscribeButton: "Me désabonner",
    ratherLess: ["Vous préférez moins de courriels ? ", "Passez à l’envoi hebdomadaire ou choisissez des thèmes", "."],
    unsubscribedTitle: "Vous êtes désabonné",
    unsubscribedBody: [
      "",
      " ne recevra plus de résumés. Vous avez changé d’avis ? Abonnez-vous de nouveau ci-dessous ; nous vous demanderons de confirmer.",
    ],
    notSubscribedTitle: "Pas d’abonnement",
    notSubscribedBody: ["", " n’est pas abonné pour le moment."],
    saved: "Enregistré. Le prochain résumé suivra ces réglages.",
    preferencesTitle: "Vos préférences",
    preferencesFor: "Pour",
    preferenceCadences: {
      instant: "Dès la parution : un courriel dans les 15 minutes suivant les nouvelles notes",
      daily: "Quotidien, quand il y a du nouveau",
      weekly: "Hebdomadaire, le lundi",
    },
    topics: "Thèmes",
    topicsHint: "N’en cochez aucun pour recevoir toutes les notes.",
    savePreferences: "Enregistrer les préférences",
    unsubscribeAll: "Se désabonner de tout",
  },
};

/**
 * The API's reasons (English, as CONTRACT.md gives them to programs) in French for the form's readers;
 * a reason without a translation here is shown as it is.
 */
const FRENCH_REASONS: [RegExp, string][] = [
  [/^is required$/, "est requise"],
  [
    /^must not contain line breaks or control characters$/,
    "ne doit contenir ni saut de ligne ni caractère de contrôle",
  ],
  [/^must not contain spaces$/, "ne doit pas contenir d’espace"],
  [/^is too long \(at most (\d+) characters\)$/, "est trop longue (au plus $1 caractères)"],
  [/^must look like name@example\.org$/, "doit ressembler à nom@exemple.org"],
  [/^has a name part longer than 64 bytes$/, "a une partie avant le @ de plus de 64 octets"],
  [
    /^has characters or dots that are not allowed before the @$/,
    "contient avant le @ des caractères ou des points interdits",
  ],
  [/^must use a domain name, not an IP address$/, "doit utiliser un nom de domaine, pas une adresse IP"],
  [/^has an invalid domain after the @$/, "a un domaine invalide après le @"],
  [/^must be one of this site's languages: (.*)$/, "doit être l’une des langues du site : $1"],
  [/^is not a topic of this site$/, "n’est pas un thème de ce site"],
  [/^must be (".*)$/, "doit être $1"],
];

function frenchReason(reason: string): string {
  for (const [pattern, french] of FRENCH_REASONS) if (pattern.test(reason)) return reason.replace(pattern, french);
  return reason;
}

/** The catalogues the site can speak: a language in site.yaml without one here is a build error. */
export const CATALOGUES: Record<string, Messages> = { en, fr };
