// RFC 5545 rules a parser forgives but calendar clients and validators do not: checked on the raw bytes,
// before any parser has unfolded, unescaped or repaired anything. Each problem names the rule broken.

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const CRLF = [13, 10];

/** Splits the octets at each CRLF (the last one ends the stream, not a line). */
function physicalLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === CRLF[0] && bytes[i + 1] === CRLF[1]) {
      lines.push(bytes.subarray(start, i));
      start = i + 2;
      i++;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function contentLines(bytes: Uint8Array): { problems: string[]; logical: string[] } {
  const problems: string[] = [];
  const whole = new TextDecoder().decode(bytes);
  // §3.1: every content line ends with CRLF, the last one (END:VCALENDAR) too.
  if (!whole.endsWith("\r\n")) problems.push("§3.1: the last line does not end with CRLF");
  if (/\r(?!\n)|(?<!\r)\n/.test(whole)) problems.push("§3.1: a line break that is not CRLF");
  const logical: string[] = [];
  physicalLines(bytes).forEach((lineBytes, i) => {
    // §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
    if (lineBytes.length > 75) problems.push(`§3.1: line ${i + 1} is ${lineBytes.length} octets`);
    // §3.1: folding MUST NOT split a multi-octet UTF-8 character: each physical line decodes on its own.
    let line: string;
    try {
      line = strictUtf8.decode(lineBytes);
    } catch {
      problems.push(`§3.1: line ${i + 1} splits a UTF-8 character`);
      line = new TextDecoder().decode(lineBytes);
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!logical.length) problems.push("§3.1: the first line is a continuation");
      else logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  });
  return { problems, logical };
}

interface Component {
  name: string;
  props: { name: string; params: string; value: string }[];
  children: Component[];
}

function parseComponents(logical: string[], problems: string[]): Component[] {
  const root: Component = { name: "(root)", props: [], children: [] };
  const stack = [root];
  for (const line of logical) {
    // §3.3.11: CONTROL characters (all but HTAB) may not appear in a value, escaped or not.
    if (/[^\t\u0020-\u007E\u0080-\uD7FF\uE000-\u{10FFFF}]/u.test(line))
      problems.push(`§3.3.11: a control character in ${line}`);
    const match = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (!match) {
      problems.push(`§3.1: not a content line: ${line}`);
      continue;
    }
    const [, name, params, value] = match as unknown as [string, string, string, string];
    const current = stack[stack.length - 1] as Component;
    if (name.toUpperCase() === "BEGIN") {
      const child: Component = { name: value.toUpperCase(), props: [], children: [] };
      current.children.push(child);
      stack.push(child);
    } else if (name.toUpperCase() === "END") {
      if (current.name !== value.toUpperCase()) problems.push(`§3.4: END:${value} closes ${current.name}`);
      else stack.pop();
    } else current.props.push({ name: name.toUpperCase(), params, value });
  }
  if (stack.length !== 1) problems.push("§3.4: a component is not closed");
  return root.children;
}

function once(c: Component, name: string, problems: string[]): string | undefined {
  const found = c.props.filter((p) => p.name === name);
  if (found.length !== 1) problems.push(`${c.name} has ${found.length} ${name} (needs exactly 1)`);
  return found[0]?.value;
}

/**
 * Every RFC 5545 rule the raw calendar breaks; [] when there are none. Give it the octets as served, or
 * the string a renderer returned (a lone surrogate there is a character some writer cut in two).
 */
export function calendarProblems(input: string | Uint8Array): string[] {
  const early: string[] = [];
  if (typeof input === "string" && /\p{Cs}/u.test(input)) early.push("§3.1: a character cut in two (lone surrogate)");
  const bytes = typeof input === "string" ? utf8.encode(input) : input;
  const { problems, logical } = contentLines(bytes);
  problems.unshift(...early);
  const calendars = parseComponents(logical, problems);
  if (calendars.length !== 1 || calendars[0]?.name !== "VCALENDAR") {
    problems.push("§3.4: the stream is not one VCALENDAR");
    return problems;
  }
  const cal = calendars[0];
  // §3.6: VERSION and PRODID are required, once.
  if (once(cal, "VERSION", problems) !== "2.0") problems.push("§3.7.4: VERSION is not 2.0");
  once(cal, "PRODID", problems);
  const uids = new Set<string>();
  for (const event of cal.children.filter((c) => c.name === "VEVENT")) {
    // §3.6.1: UID and DTSTAMP required once; DTSTART required when there is no METHOD.
    const uid = once(event, "UID", problems) ?? "";
    if (uids.has(uid)) problems.push(`§3.8.4.7: UID ${uid} is not unique`);
    uids.add(uid);
    const stamp = once(event, "DTSTAMP", problems) ?? "";
    // §3.8.7.2: DTSTAMP is a UTC date-time.
    if (!/^\d{8}T\d{6}Z$/.test(stamp)) problems.push(`§3.8.7.2: DTSTAMP ${stamp} is not in UTC`);
    once(event, "DTSTART", problems);
    const start = event.props.find((p) => p.name === "DTSTART");
    const end = event.props.find((p) => p.name === "DTEND");
    if (start && end) {
      const startIsDate = /VALUE=DATE(?!-)/i.test(start.params);
      // §3.8.2.2: DTEND has the value type of DTSTART, and is later (exclusive end).
      if (startIsDate !== /VALUE=DATE(?!-)/i.test(end.params)) problems.push(`§3.8.2.2: ${uid}: DTEND type`);
      if (!(end.value > start.value)) problems.push(`§3.8.2.2: ${uid}: DTEND is not after DTSTART`);
    }
  }
  return problems;
}
