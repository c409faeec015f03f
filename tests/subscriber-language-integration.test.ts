// A reader's language: chosen when subscribing (the French form preselects French; the JSON API takes
// `language`), kept through confirmation, changed on the preferences page; a language the site does
// not have is a 400 naming the field and the languages it has, and changes nothing.
import { describe, expect, it } from "vitest";
import { createDocumentApp } from "../src/documents/app.ts";
import { compile, SEED_FILE, SEED_FRENCH_FILE } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { ADMIN, get, linkIn, mailsTo, postForm, postJson, row } from "./support/worker.ts";

let n = 0;
const fresh = () => `lang.${Date.now().toString(36)}.${n++}@example.org`;
const REASON = "must be one of this site's languages: en, fr";

describe("choosing a language when subscribing", () => {
  it("stores the language the JSON API is given, and none (the site's default) when it is left out", async () => {
    const french = fresh();
    expect((await postJson("/subscribe", { email: french, language: "fr" })).status).toBe(202);
    // The request is recorded after the answer: its confirmation mail says it is done.
    await mailsTo(french);
    expect(await row(french)).toMatchObject({ status: "pending", language: "fr" });
    const plain = fresh();
    expect((await postJson("/subscribe", { email: plain })).status).toBe(202);
    await mailsTo(plain);
    expect(await row(plain)).toMatchObject({ status: "pending", language: null });
  });

  it.each([["de"], ["FR-xx"], ["FR"], [5], [""]])(
    "answers %j with a 400 naming the field and the site's languages, and records nothing",
    async (language) => {
      const email = fresh();
      const res = await postJson("/subscribe", { email, language });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { field: string; reason: string }[] };
      expect(body.errors).toEqual([{ field: "language", reason: REASON }]);
      expect(await row(email)).toBeNull();
    },
  );

  it("keeps the language through confirmation", async () => {
    const email = fresh();
    await postJson("/subscribe", { email, language: "fr" });
    const [confirmation] = await mailsTo(email);
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    expect(await row(email)).toMatchObject({ status: "confirmed", language: "fr" });
  });
});

describe("the mails of a French reader", () => {
  it("the confirmation and the welcome are in French, with links to the French pages", async () => {
    const email = fresh();
    await postJson("/subscribe", { email, language: "fr", cadence: "weekly" });
    const [confirmation] = await mailsTo(email);
    expect(confirmation!.subject).toBe("Confirmez votre abonnement à briefwire");
    expect(confirmation!.html).toMatch(/<html[^>]* lang="fr"/);
    expect(confirmation!.text).toContain("un résumé hebdomadaire (le lundi)");
    expect(confirmation!.text).toContain("Le lien est valable 7 jours.");
    expect(confirmation!.text).not.toMatch(/Confirm your subscription|If you ignore this mail/);
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    const welcome = (await mailsTo(email, 2)).find((m) => m.subject.startsWith("Vous êtes abonné"))!;
    expect(welcome.subject).toBe("Vous êtes abonné à briefwire");
    expect(welcome.text).toContain("chaque lundi à 7 h UTC");
    expect(welcome.html).toContain('href="http://localhost:8787/fr/briefings/nato-defence-ministers-october-2024"');
    expect(welcome.text).toContain("Les ministres de la Défense de l'OTAN");
    expect(welcome.text).toContain("Se désabonner");
  });

  it("an English reader's mails stay in English", async () => {
    const email = fresh();
    await postJson("/subscribe", { email, language: "en" });
    const [confirmation] = await mailsTo(email);
    expect(confirmation!.subject).toBe("Confirm your subscription to briefwire");
    expect(confirmation!.html).toMatch(/<html[^>]* lang="en-GB"/);
  });
});

describe("the pages a French reader meets", () => {
  it("the form's answer, the confirm page, the confirmed page and the preferences are in French", async () => {
    const email = fresh();
    const answer = await postForm("/subscribe", { email, cadence: "daily", language: "fr" });
    const inbox = await answer.text();
    expect(inbox).toMatch(/<html lang="fr">/);
    expect((await select(inbox, "h1"))[0]?.text).toBe("Consultez votre boîte de réception");
    const [confirmation] = await mailsTo(email);
    const confirmPath = linkIn(confirmation!.text, "confirm");
    // A French reader's links are under /fr/, like every French page.
    expect(confirmPath).toMatch(/^\/fr\/confirm\//);
    const confirmPage = await (await get(confirmPath)).text();
    expect(confirmPage).toMatch(/<html lang="fr">/);
    expect((await select(confirmPage, "main button"))[0]?.text).toBe("Confirmer mon abonnement");
    const confirmed = await (await get(confirmPath, { method: "POST" })).text();
    expect((await select(confirmed, "h1"))[0]?.text).toBe("Vous êtes abonné");
    const welcome = (await mailsTo(email, 2)).find((m) => m.subject.startsWith("Vous êtes abonné"))!;
    expect(linkIn(welcome.text, "preferences")).toMatch(/^\/fr\/preferences\//);
    expect(welcome.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/localhost:8787\/fr\/unsubscribe\//);
    const preferences = await (await get(linkIn(welcome.text, "preferences"))).text();
    expect((await select(preferences, "h1"))[0]?.text).toBe("Vos préférences");
    expect((await select(preferences, "legend")).map((l) => l.text)).toEqual(["Fréquence", "Thèmes"]);
    expect((await select(preferences, "select[name=language] option[selected]"))[0]?.attrs.value).toBe("fr");
    const unsubscribe = await (await get(linkIn(welcome.text, "unsubscribe"))).text();
    expect((await select(unsubscribe, "main button"))[0]?.text).toBe("Me désabonner");
    expect((await select(unsubscribe, "main form"))[0]?.attrs.action).toMatch(/^\/fr\/unsubscribe\//);
    expect(unsubscribe).not.toMatch(/Stop sending the digest/);
  });

  it("a bad address on the French form comes back in French, with French kept as the choice", async () => {
    const res = await postForm("/subscribe", { email: "not-an-address", language: "fr" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect((await select(html, "h1"))[0]?.text).toBe("Vérifiez l’adresse");
    expect((await select(html, "form.subscribe .error"))[0]?.text).toBe("L’adresse doit ressembler à nom@exemple.org.");
    expect((await select(html, "select[name=language] option[selected]"))[0]?.attrs.value).toBe("fr");
  });
});

describe("the subscription paths under /fr/", () => {
  it("POST /fr/subscribe without a language subscribes in French; the English path keeps the default", async () => {
    const french = fresh();
    expect((await postJson("/fr/subscribe", { email: french })).status).toBe(202);
    const [mail] = await mailsTo(french);
    expect(mail!.subject).toBe("Confirmez votre abonnement à briefwire");
    expect(await row(french)).toMatchObject({ language: "fr" });
    // An English reader's link opened under /fr/ shows the French page; the link itself still works.
    const english = fresh();
    await postJson("/subscribe", { email: english });
    const [confirmation] = await mailsTo(english);
    const path = linkIn(confirmation!.text, "confirm");
    expect(path).toMatch(/^\/confirm\//);
    const page = await (await get(`/fr${path}`)).text();
    expect((await select(page, "main button"))[0]?.text).toBe("Confirmer mon abonnement");
    expect((await get(`/fr${path}`, { method: "POST" })).status).toBe(200);
    expect(await row(english)).toMatchObject({ status: "confirmed", language: null });
  });
});

describe("the forms", () => {
  it("the French pages' form preselects French, the English pages' English", async () => {
    // The pages are built documents (the asset layer serves them, not the Worker).
    const documents = createDocumentApp(compile(SEED_FILE, SEED_FRENCH_FILE), { base: "http://localhost:8787" });
    const french = await (await documents.request("/fr/")).text();
    const options = await select(french, "form.subscribe select[name=language] option");
    expect(options.map((o) => [o.attrs.value, o.text, "selected" in o.attrs])).toEqual([
      ["en", "English", false],
      ["fr", "Français", true],
    ]);
    expect((await select(french, "label[for=language]"))[0]?.text).toBe("Langue des courriels");
    const english = await (await documents.request("/")).text();
    expect((await select(english, "form.subscribe select[name=language] option[selected]"))[0]?.attrs.value).toBe("en");
  });

  it("a form post stores the language; a bad one comes back with the field, the reason and the input kept", async () => {
    const email = fresh();
    const ok = await postForm("/subscribe", { email, cadence: "weekly", language: "fr" });
    expect(ok.status).toBe(200);
    await mailsTo(email);
    expect(await row(email)).toMatchObject({ cadence: "weekly", language: "fr" });

    const other = fresh();
    const bad = await postForm("/subscribe", { email: other, cadence: "weekly", language: "de" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect((await select(html, "form.subscribe .error"))[0]?.text).toBe(`language ${REASON}.`);
    expect((await select(html, "input[name=email]"))[0]?.attrs.value).toBe(other);
    expect(await row(other)).toBeNull();
  });
});

describe("the preferences page", () => {
  it("shows the reader's language and changes it; a language the site lacks is refused", async () => {
    const email = fresh();
    await postJson("/subscribe", { email });
    const [confirmation] = await mailsTo(email);
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    const welcome = (await mailsTo(email, 2)).find((m) => m.subject.startsWith("You're subscribed"))!;
    const path = linkIn(welcome.text, "preferences");
    const page = await (await get(path)).text();
    expect((await select(page, "select[name=language] option[selected]"))[0]?.attrs.value).toBe("en");

    const saved = await postForm(path, { cadence: "daily", language: "fr" });
    expect(saved.status).toBe(200);
    expect(await row(email)).toMatchObject({ language: "fr" });
    expect((await select(await saved.text(), "select[name=language] option[selected]"))[0]?.attrs.value).toBe("fr");

    const refused = await postForm(path, { cadence: "weekly", language: "de" });
    expect(refused.status).toBe(400);
    expect((await refused.text()).replaceAll("&#39;", "'")).toContain(`language ${REASON}.`);
    expect(await row(email)).toMatchObject({ cadence: "daily", language: "fr" });
  });
});

describe("the CSV import", () => {
  it("takes a language column: valid codes are stored, anything else is an invalid line with its reason", async () => {
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    const csv = [
      "email,cadence,tags,language",
      `${a},daily,,fr`,
      `${b},weekly,,en`,
      `${c},daily,,de`,
      `${d},daily,,`,
    ].join("\n");
    const res = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { added: number; invalid: { line: number; reason: string }[] };
    expect(report.added).toBe(3);
    expect(report.invalid).toEqual([{ line: 4, reason: REASON.replace(/^/, "language ") }]);
    expect(await row(a)).toMatchObject({ status: "confirmed", language: "fr" });
    expect(await row(b)).toMatchObject({ language: "en" });
    expect(await row(c)).toBeNull();
    expect(await row(d)).toMatchObject({ language: null });

    // A later import changes the language of a confirmed reader; an empty cell leaves it.
    const again = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/csv" },
      body: ["email,language", `${a},en`, `${b},`].join("\n"),
    });
    expect(((await again.json()) as { updated: number }).updated).toBe(2);
    expect(await row(a)).toMatchObject({ language: "en" });
    expect(await row(b)).toMatchObject({ language: "en" });
  });
});
