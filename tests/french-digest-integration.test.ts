// A digest edition to readers in both languages: each reader gets exactly one mail, in their language —
// the French version of a briefing where it has one — and each language's variant is rendered once.
import { describe, expect, it } from "vitest";
import { runDigest, seedSubscribers, waitUntilDone } from "./support/digest.ts";
import { SEED_SLUG } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { get, type OutboxMessage, outbox } from "./support/worker.ts";

const WINDOW = { from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" };

describe("an edition to English and French readers", () => {
  it("sends each reader one mail in their language, one render per language", async () => {
    const english = await seedSubscribers({ prefix: "en-reader-", count: 3 });
    const french = await seedSubscribers({ prefix: "fr-reader-", count: 3, language: "fr" });
    const frenchUkraine = await seedSubscribers({
      prefix: "fr-ukraine-",
      count: 2,
      language: "fr",
      topics: ["ukraine"],
    });
    const run = await runDigest({ cadence: "daily", ...WINDOW });
    expect(run.status).toBe(200);
    const edition = run.body.edition as string;
    const done = await waitUntilDone(edition);
    // One item: the topic readers share their language's variant; two languages, two renders.
    expect(done).toMatchObject({ recipients: 8, sent: 8, failed: 0, variants: 2 });

    const mails = (await outbox()).filter((m) => m.html.includes(`/digests/${edition}`));
    const count = (to: string) => mails.filter((m) => m.to === to).length;
    for (const to of [...english, ...french, ...frenchUkraine]) expect(count(to), to).toBe(1);
    const byReader = (to: string) => mails.find((m) => m.to === to) as OutboxMessage;

    const fr = byReader(french[0]!);
    // The French title, shortened to the subject's 120 characters.
    expect(fr.subject).toMatch(
      /^briefwire: Les ministres de la Défense de l'OTAN se réunissent sur la dissuasion, .*…$/,
    );
    expect(fr.html).toMatch(/<html[^>]* lang="fr"/);
    expect(fr.text).toMatch(/principaux résultats/i);
    expect(fr.text).toContain("Les Alliés ont fourni 20,9 milliards d'euros d'aide militaire à l'Ukraine");
    expect(fr.text).toContain("20,9 milliards d'euros");
    expect(fr.text).toContain("Lire la note complète");
    expect(fr.text).toContain("Se désabonner");
    expect(fr.html).toContain(`http://localhost:8787/fr/briefings/${SEED_SLUG}#ukraine-military-aid`);
    expect(fr.html).toContain(`http://localhost:8787/fr/digests/${edition}`);
    // The web copy in French, the archive listing it, and the English ones as they were.
    const copy = await get(`/fr/digests/${edition}`);
    expect(copy.status).toBe(200);
    const copyHtml = await copy.text();
    expect(copyHtml).toMatch(/<html lang="fr">/);
    expect((await select(copyHtml, "h1"))[0]?.text).toMatch(/^Résumé quotidien, 17 octobre 2024$/);
    expect((await select(copyHtml, ".digest-item h2 a"))[0]?.attrs.href).toBe(`/fr/briefings/${SEED_SLUG}`);
    expect((await select(copyHtml, "link[rel=alternate][hreflang=en-GB]"))[0]?.attrs.href).toBe(
      `http://localhost:8787/digests/${edition}`,
    );
    const archive = await (await get("/fr/digests")).text();
    expect((await select(archive, "h1"))[0]?.text).toBe("Résumés précédents");
    expect((await select(archive, ".briefing-list a"))[0]?.attrs.href).toBe(`/fr/digests/${edition}`);
    expect((await get("/fr/digests/no-such-edition")).status).toBe(404);
    const englishCopy = await (await get(`/digests/${edition}`)).text();
    expect((await select(englishCopy, "h1"))[0]?.text).toBe("Daily digest, 17 October 2024");
    expect(fr.text).not.toMatch(/Key outcomes|Read the full briefing|Unsubscribe/);
    expect(byReader(frenchUkraine[0]!).subject).toBe(fr.subject);

    const en = byReader(english[0]!);
    expect(en.subject).toBe("briefwire: NATO Defence Ministers meet on deterrence, Ukraine and Indo-Pacific partners");
    expect(en.html).toMatch(/<html[^>]* lang="en-GB"/);
    expect(en.html).toContain(`http://localhost:8787/briefings/${SEED_SLUG}#ukraine-military-aid`);
    expect(en.html).not.toContain("/fr/");
  });
});
