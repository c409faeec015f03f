// Generated briefings for the benchmark: realistic in size (about 5 KB of text each) and not
// repetitive, so they compress like English prose (about 2.8:1 with gzip) and no two are alike.
// The text comes from a word-level Markov chain trained on English prose already on the machine
// (the licence texts every Debian system ships; the packages' READMEs otherwise), with a fixed seed
// so every run generates the same archive.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { mulberry32 as random } from "../tests/support/prng.ts";

const root = join(import.meta.dirname, "..");

function corpus(): string {
  const licences = "/usr/share/common-licenses";
  const sources = existsSync(licences)
    ? readdirSync(licences).map((f) => join(licences, f))
    : ["typescript", "vitest", "hono", "zod", "yaml"].map((p) => join(root, "node_modules", p, "README.md"));
  return sources
    .filter((f) => existsSync(f) && !f.endsWith(".gz"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n")
    .replace(/[`*#<>|_[\]{}\\]/g, " ");
}

class Prose {
  readonly #next = new Map<string, string[]>();
  readonly #starts: string[] = [];
  readonly #rand: () => number;

  constructor(text: string, rand: () => number) {
    this.#rand = rand;
    const words = text.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z'’-]*[.,;:]?$/.test(w));
    for (let i = 0; i + 1 < words.length; i++) {
      const w = words[i] as string;
      const list = this.#next.get(w) ?? [];
      list.push(words[i + 1] as string);
      this.#next.set(w, list);
      if (/^[A-Z][a-z]+$/.test(w) && /[.]$/.test(words[i - 1] ?? ".")) this.#starts.push(w);
    }
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.#rand() * xs.length)] as T;
  }

  sentence(min = 8, max = 28): string {
    let word = this.pick(this.#starts);
    const out = [word];
    while (out.length < max) {
      const next = this.#next.get(word);
      if (!next) break;
      word = this.pick(next);
      out.push(word);
      if (out.length >= min && word.endsWith(".")) break;
    }
    return out
      .join(" ")
      .replace(/[,;:]$/, "")
      .replace(/([^.])$/, "$1.");
  }

  /** A plain line without a final full stop (titles, headlines). */
  line(min: number, max: number): string {
    return this.sentence(min, max)
      .replace(/[.,;:]+$/, "")
      .replace(/\.\s/g, " ");
  }

  paragraph(sentences: number): string {
    return Array.from({ length: sentences }, () => this.sentence()).join(" ");
  }
}

const TAGS = [
  "nato",
  "ukraine",
  "energy",
  "cyber",
  "space",
  "maritime",
  "budget",
  "industry",
  "arctic",
  "baltic",
  "indo-pacific",
  "africa",
  "sahel",
  "middle-east",
  "balkans",
  "nuclear",
  "missile-defence",
  "air-policing",
  "logistics",
  "procurement",
  "standardisation",
  "training",
  "exercises",
  "intelligence",
  "hybrid",
  "disinformation",
  "climate",
  "health",
  "finance",
  "trade",
  "sanctions",
  "partnerships",
  "eu",
  "un",
  "osce",
];

export interface Generated {
  briefings: number;
  /** Mean size of a briefing file, bytes. */
  meanBytes: number;
  /** Mean gzip ratio of one briefing file (raw / gzip). */
  gzipRatio: number;
}

/** Writes `count` briefings (3 a day, newest on 2026-11-01) and the real site.yaml into `dir`. */
export function generateBriefings(dir: string, count: number, seed = 20261129): Generated {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "briefings"), { recursive: true });
  writeFileSync(join(dir, "site.yaml"), readFileSync(join(root, "data", "site.yaml")));
  const rand = random(seed);
  const prose = new Prose(corpus(), rand);
  const newest = Date.UTC(2026, 10, 1, 9);
  let bytes = 0;
  let zipped = 0;
  for (let i = 0; i < count; i++) {
    const published = new Date(newest - (count - 1 - i) * 8 * 3_600_000);
    const tagCount = 1 + Math.floor(rand() * 3);
    const tags = [
      ...new Set(Array.from({ length: tagCount }, () => TAGS[Math.floor(rand() ** 2 * TAGS.length)] as string)),
    ];
    const front = {
      title: prose.line(5, 12),
      published: published.toISOString(),
      ...(rand() < 0.2 ? { updated: new Date(published.getTime() + 86_400_000).toISOString() } : {}),
      summary: prose.paragraph(3),
      source: { name: prose.line(1, 3), url: `https://example.org/source/${i}` },
      tags,
      ...(rand() < 0.5
        ? { event: { name: prose.line(3, 7), place: prose.line(1, 3), start: published.toISOString().slice(0, 10) } }
        : {}),
      outcomes: Array.from({ length: 3 + Math.floor(rand() * 4) }, (_, k) => ({
        id: `outcome-${k + 1}`,
        headline: prose.line(6, 14),
        detail: prose.sentence(),
        ...(rand() < 0.3
          ? { figures: [{ label: prose.line(2, 4), value: Math.round(rand() * 1e4) / 10, unit: "EUR bn" }] }
          : {}),
      })),
    };
    const body = Array.from({ length: 5 }, (_, p) =>
      p === 2
        ? `## ${prose.line(3, 6)}\n\n${prose.paragraph(4)} See [the record](https://example.org/${i}/${p}).`
        : prose.paragraph(4 + Math.floor(rand() * 3)),
    ).join("\n\n");
    const file = `---\n${stringify(front)}---\n${body}\n`;
    writeFileSync(join(dir, "briefings", `briefing-${String(i).padStart(6, "0")}.md`), file);
    bytes += Buffer.byteLength(file);
    if (i % 50 === 0) zipped += gzipSync(file).length * 50;
  }
  return {
    briefings: count,
    meanBytes: Math.round(bytes / count),
    gzipRatio: Number((bytes / zipped).toFixed(2)),
  };
}
