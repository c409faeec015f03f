// A briefing's figures in words a reader expects ("€20.9 billion", not "20.9 EUR bn"), formatted with
// Intl.NumberFormat in the site's language. The data keep the number and unit as written; programs
// get the amount and currency beside the text (JSON Feed extension).
import type { Figure } from "../content/schema.ts";

/** Scale words a unit may carry after a currency code or alone: "EUR bn", "bn", "USD million". */
const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  million: 1e6,
  bn: 1e9,
  billion: 1e9,
  tn: 1e12,
  trillion: 1e12,
};

const SCALE = Object.keys(SCALES).join("|");
const CURRENCY_UNIT = new RegExp(`^([A-Z]{3})(?:\\s+(${SCALE}))?$`);
const SCALE_UNIT = new RegExp(`^(${SCALE})$`, "i");

// Building an Intl.NumberFormat costs far more than using one (a calendar of 2,000 events spent most of
// its time there): one per language and options, kept for the isolate's life.
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    numberFormats.set(key, format);
  }
  return format;
}

export interface FigureReading {
  /** The value in the unit's base: 20.9 "EUR bn" → 20900000000. */
  amount: number;
  /** ISO 4217 code when the unit names a currency. */
  currency?: string;
  /** The number and unit as a reader reads them, in the site's language. */
  text: string;
}

/** Big amounts in words ("20.9 billion"); the digits the author wrote are kept (up to 15). */
function numberInWords(amount: number, language: string): string {
  const words = Math.abs(amount) >= 1e6;
  return numberFormat(language, {
    maximumSignificantDigits: 15,
    ...(words ? { notation: "compact", compactDisplay: "long" } : {}),
  }).format(amount);
}

/**
 * Intl writes big currency amounts only in short form ("€20.9bn"), so the amount is written in words
 * and the currency symbol placed where the language puts it (before in en-GB, after in de-DE).
 */
function currencyText(amount: number, currency: string, language: string): string {
  if (Math.abs(amount) >= 1e6 && language.split("-")[0] === "fr") return frenchAmountInWords(amount, currency);
  if (Math.abs(amount) < 1e6) {
    return numberFormat(language, {
      style: "currency",
      currency,
      minimumFractionDigits: 0,
      maximumFractionDigits: 2,
    }).format(amount);
  }
  const parts = numberFormat(language, { style: "currency", currency }).formatToParts(1);
  const at = parts.findIndex((p) => p.type === "currency");
  const first = parts.findIndex((p) => p.type === "integer");
  const symbol = parts[at]?.value ?? currency;
  const words = numberInWords(amount, language);
  if (at < first)
    return `${symbol}${parts
      .slice(at + 1, first)
      .map((p) => p.value)
      .join("")}${words}`;
  const last = parts.findLastIndex((p) => p.type === "integer" || p.type === "fraction");
  return `${words}${
    parts
      .slice(last + 1, at)
      .map((p) => p.value)
      .join("") || " "
  }${symbol}`;
}

/**
 * French writes big amounts with the currency's name after "de": "20,9 milliards d'euros". Intl gives
 * "20,9 milliards euros" (compact, long, the currency by name); the "de" (elided before a vowel) is added.
 */
function frenchAmountInWords(amount: number, currency: string): string {
  const text = numberFormat("fr", {
    style: "currency",
    currency,
    currencyDisplay: "name",
    notation: "compact",
    compactDisplay: "long",
    maximumSignificantDigits: 15,
  }).format(amount);
  return text.replace(/\b(millions?|milliards?|billions?) (?=(\p{L}))/u, (_, scale: string, next: string) =>
    /^[aeiouyéèêh]/i.test(next) ? `${scale} d'` : `${scale} de `,
  );
}

export function readFigure(figure: Figure, language: string): FigureReading {
  const unit = figure.unit?.trim();
  const currency = unit ? CURRENCY_UNIT.exec(unit) : null;
  if (currency) {
    const code = currency[1] as string;
    const amount = figure.value * (currency[2] ? (SCALES[currency[2]] as number) : 1);
    return { amount, currency: code, text: currencyText(amount, code, language) };
  }
  const scale = unit ? SCALE_UNIT.exec(unit) : null;
  if (scale) {
    const amount = figure.value * (SCALES[(scale[1] as string).toLowerCase()] as number);
    return { amount, text: numberInWords(amount, language) };
  }
  if (unit === "%") {
    return {
      amount: figure.value,
      text: numberFormat(language, { style: "unit", unit: "percent", maximumFractionDigits: 6 }).format(figure.value),
    };
  }
  // Any other unit (troops, km, tonnes…) is kept as written after the number.
  const number = numberFormat(language, { maximumFractionDigits: 6 }).format(figure.value);
  return { amount: figure.value, text: unit ? `${number} ${unit}` : number };
}

/** "Military assistance provided in H1 2024: €20.9 billion" — one line, the same in pages, feeds and mails. */
export function formatFigure(figure: Figure, language: string): string {
  // French puts a (no-break) space before a colon.
  const colon = language.split("-")[0] === "fr" ? "\u00a0: " : ": ";
  return `${figure.label}${colon}${readFigure(figure, language).text}`;
}
