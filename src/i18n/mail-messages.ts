// The words of the subscription mails (confirmation, welcome) and of every mail's footer, one
// catalogue per language; French is checked against English by its type.
import type { Cadence } from "../cadences.ts";

export const mailEn = {
  unsubscribe: "Unsubscribe",
  changePreferences: "Change how often and which topics",
  confirmSubject: (site: string) => `Confirm your subscription to ${site}`,
  confirmHeading: "Confirm your subscription",
  confirmWhat: {
    instant: "the key outcomes of each new briefing within 15 minutes of its appearing",
    daily: "a daily digest of the key outcomes of new briefings",
    weekly: "a weekly digest (Mondays) of the key outcomes of new briefings",
  } satisfies Record<Cadence, string>,
  confirmAsk: (what: string, site: string) =>
    `Someone — we hope you — asked to receive ${what} from ${site} at this address. Press the button to confirm:`,
  confirmButton: "Yes, subscribe me",
  confirmOrLink: "Or open this link:",
  confirmIgnore: (days: number) =>
    `If you ignore this mail, you will not be subscribed and will not hear from us again. The link works for ${days} days.`,
  confirmReason: (url: string) =>
    `You received this because this address was entered on ${url}. If that was not you, ignore this mail.`,
  welcomeSubject: (site: string) => `You're subscribed to ${site}`,
  welcomeHeading: "You're subscribed",
  welcomeReason: (site: string) => `You receive this because you confirmed your subscription to ${site}.`,
  /** `topics` empty: every briefing. */
  welcomeInstant: (topics: string[]) =>
    `Thank you for confirming. Within 15 minutes of ${topics.length ? `one of the briefings tagged ${topics.join(", ")}` : "a new briefing"} appearing on the site, you will get one short mail with its key outcomes (briefings appearing together come in one mail) — and nothing while there is nothing new.`,
  welcomeDigest: (cadence: "daily" | "weekly", topics: string[]) =>
    `Thank you for confirming. You will get a short digest ${cadence === "weekly" ? "every Monday at 07:00 UTC" : "every morning at 07:00 UTC"} with the key outcomes of ${topics.length ? `briefings tagged ${topics.join(", ")}` : "every new briefing"} published since the last one — and nothing on days without new briefings.`,
  welcomeLatest: "The latest briefing:",
  /** Before, inside and after the preferences link. */
  welcomeChange: [
    "You can ",
    "change how often and which topics",
    " at any time, or leave with one click from any mail.",
  ],
  digestReason: (cadence: Cadence, site: string) =>
    cadence === "instant"
      ? `You receive this alert because you subscribed to ${site} as it happens.`
      : `You receive this ${cadence} digest because you subscribed to ${site}.`,
  viewInBrowser: "View in browser",
  digestHeading: (cadence: Cadence, items: number) =>
    cadence === "instant" ? `New ${items > 1 ? "briefings" : "briefing"}` : "Key outcomes",
  keyOutcomes: "Key outcomes",
  published: (date: string) => `Published ${date}`,
  readFull: "Read the full briefing →",
  alsoPublished: "Also published:",
  leftOut: ["Left out here to keep this mail short: the ", "web copy of this digest", " has their key outcomes too."],
  subjectMore: (n: number) => ` + ${n} more`,
  /** Beside a briefing that has no translation into the reader's language. */
  untranslated: "",
};

export type MailMessages = typeof mailEn;

export const mailFr: MailMessages = {
  unsubscribe: "Se désabonner",
  changePreferences: "Changer la fréquence et les thèmes",
  confirmSubject: (site) => `Confirmez votre abonnement à ${site}`,
  confirmHeading: "Confirmez votre abonnement",
  confirmWhat: {
    instant: "les principaux résultats de chaque nouvelle note dans les 15 minutes suivant sa parution",
    daily: "un résumé quotidien des principaux résultats des nouvelles notes",
    weekly: "un résumé hebdomadaire (le lundi) des principaux résultats des nouvelles notes",
  },
  confirmAsk: (what, site) =>
    `Quelqu’un — vous, nous l’espérons — a demandé à recevoir ${what} de ${site} à cette adresse. Appuyez sur le bouton pour confirmer :`,
  confirmButton: "Oui, je m’abonne",
  confirmOrLink: "Ou ouvrez ce lien :",
  confirmIgnore: (days) =>
    `Si vous ignorez ce courriel, vous ne serez pas abonné et nous ne vous écrirons plus. Le lien est valable ${days} jours.`,
  confirmReason: (url) =>
    `Vous recevez ce courriel parce que cette adresse a été saisie sur ${url}. Si ce n’était pas vous, ignorez-le.`,
  welcomeSubject: (site) => `Vous êtes abonné à ${site}`,
  welcomeHeading: "Vous êtes abonné",
  welcomeReason: (site) => `Vous recevez ce courriel parce que vous avez confirmé votre abonnement à ${site}.`,
  welcomeInstant: (topics) =>
    `Merci de votre confirmation. Dans les 15 minutes suivant la parution ${topics.length ? `d’une note sur les thèmes ${topics.join(", ")}` : "d’une nouvelle note"}, vous recevrez un court courriel avec ses principaux résultats (les notes parues ensemble arrivent dans un seul courriel) — et rien tant qu’il n’y a rien de nouveau.`,
  welcomeDigest: (cadence, topics) =>
    `Merci de votre confirmation. Vous recevrez un court résumé ${cadence === "weekly" ? "chaque lundi à 7 h UTC" : "chaque matin à 7 h UTC"} avec les principaux résultats ${topics.length ? `des notes sur les thèmes ${topics.join(", ")}` : "de chaque nouvelle note"} parues depuis le précédent — et rien les jours sans nouvelle note.`,
  welcomeLatest: "La dernière note :",
  welcomeChange: [
    "Vous pouvez ",
    "changer la fréquence et les thèmes",
    " à tout moment, ou vous désabonner en un clic depuis n’importe quel courriel.",
  ],
  digestReason: (cadence, site) =>
    cadence === "instant"
      ? `Vous recevez cette alerte parce que vous êtes abonné à ${site} dès la parution.`
      : `Vous recevez ce résumé ${cadence === "weekly" ? "hebdomadaire" : "quotidien"} parce que vous êtes abonné à ${site}.`,
  viewInBrowser: "Voir dans le navigateur",
  digestHeading: (cadence, items) =>
    cadence === "instant" ? (items > 1 ? "Nouvelles notes" : "Nouvelle note") : "Principaux résultats",
  keyOutcomes: "Principaux résultats",
  published: (date) => `Publiée le ${date}`,
  readFull: "Lire la note complète →",
  alsoPublished: "Également parues :",
  leftOut: [
    "Omises ici pour garder ce courriel court : la ",
    "version en ligne de ce résumé",
    " donne aussi leurs principaux résultats.",
  ],
  subjectMore: (n) => ` + ${n} autres`,
  untranslated: "(en anglais)",
};

export const MAIL_CATALOGUES: Record<string, MailMessages> = { en: mailEn, fr: mailFr };
