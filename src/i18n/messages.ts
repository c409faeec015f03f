// Every interface string of the pages and feeds, one catalogue per language. French is checked
// against English by its type: a string missing from a catalogue does not compile.
import type { Cadence } from "../cadences.ts";

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
  source: "Source",
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
  cadences: { instant: "As it happens", daily: "Daily", weekly: "Weekly (Mondays)" } satisfies Record<Cadence, string>,
  outcomesFeedLink: "Key outcomes feed",
  pastDigests: "Past digests",
  backToLatest: "Back to the latest briefings",
  notFound: "Not found",
  noBriefingHere: "There is no briefing at this address.",
  noBriefingTagged: (tag: string) => `No briefing is tagged “${tag}”.`,
  outcomesFeedTitle: (site: string) => `${site}: key outcomes`,
  outcomesFeedDescription: "Every key outcome, one entry each.",
  taggedFeedDescription: (tag: string) => `Briefings tagged ${tag}.`,
  calendarName: (site: string) => `${site}: events`,
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
  source: "Source",
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
  cadences: { instant: "Dès la parution", daily: "Quotidien", weekly: "Hebdomadaire (le lundi)" },
  outcomesFeedLink: "Flux des principaux résultats",
  pastDigests: "Résumés précédents",
  backToLatest: "Retour aux dernières notes",
  notFound: "Page introuvable",
  noBriefingHere: "Aucune note ne se trouve à cette adresse.",
  noBriefingTagged: (tag) => `Aucune note ne porte le thème « ${tag} ».`,
  outcomesFeedTitle: (site) => `${site} : principaux résultats`,
  outcomesFeedDescription: "Chaque résultat principal, un article chacun.",
  taggedFeedDescription: (tag) => `Notes sur le thème ${tag}.`,
  calendarName: (site) => `${site} : événements`,
};

/** The catalogues the site can speak: a language in site.yaml without one here is a build error. */
export const CATALOGUES: Record<string, Messages> = { en, fr };
