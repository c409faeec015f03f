// RFC 5545 content lines: TEXT escaping, DATE and UTC DATE-TIME values, folding at 75 octets.
//
// Written here rather than with ical-generator (11.1.2, the well-kept writer on npm, 9 KB gzip), which
// is correct but slow at our sizes: it folds one character at a time, growing a string per character.
// Side by side on the same (shared, busy) machine, a calendar of 2,000 events with their outcomes (4 MB)
// took it 2.4–3.6 s; this writer, which cuts whole slices, 0.2–0.5 s. A Worker on the Free plan has
// 10 ms of CPU per request. The library also left out the final CRLF and let control characters
// through, both of which we had to patch; what a calendar needs is the few rules below.

// §3.3.11: TEXT is any character but CONTROL (U+0000–U+0008, U+000A–U+001F, U+007F). Tab stays; line
// breaks stay too, escaped as \n. Lone surrogates (half a character) have no UTF-8 form at all.
const NOT_TEXT = /[^\t\n\r\u0020-\u007E\u0080-\uD7FF\uE000-\u{10FFFF}]/gu;

/** A TEXT value (§3.3.11): `\` `;` `,` escaped, line breaks as `\n`, the characters TEXT forbids dropped. */
export function textValue(text: string): string {
  return text
    .replace(NOT_TEXT, "")
    .replace(/[\\;,]/g, "\\$&")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** A DATE value (§3.3.4) from a day: "2024-10-17" → "20241017". */
export function dateValue(day: string): string {
  return day.replaceAll("-", "");
}

/** A DATE-TIME value in UTC (§3.3.5, form 2): "20241016T120000Z". Whole seconds, as the RFC has no less. */
export function utcValue(date: string | Date): string {
  return new Date(date)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

const NON_ASCII = /[\u0080-\uFFFF]/;

/**
 * Folds one content line (§3.1): no line longer than 75 octets, each continuation starting with a space,
 * and never a cut inside a UTF-8 character (a cut between the characters of one grapheme is allowed:
 * parsers join the lines back before reading them).
 */
export function fold(line: string): string {
  const ascii = !NON_ASCII.test(line);
  if (ascii && line.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let octets = 0;
  let limit = 75; // the first line; the others have 74 after their leading space
  if (ascii) {
    for (; line.length - start > limit; start += limit, limit = 74) parts.push(line.slice(start, start + limit));
  } else {
    for (let i = 0; i < line.length; ) {
      const cp = line.codePointAt(i) as number;
      const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (octets + size > limit) {
        parts.push(line.slice(start, i));
        start = i;
        octets = 0;
        limit = 74;
      }
      octets += size;
      i += size === 4 ? 2 : 1;
    }
  }
  parts.push(line.slice(start));
  return parts.join("\r\n ");
}

/** One property as a folded content line ending in CRLF. `name` may carry parameters ("DTSTART;VALUE=DATE"). */
export function contentLine(name: string, value: string): string {
  return `${fold(`${name}:${value}`)}\r\n`;
}
