// Figures as readers read them, formatted in workerd (the runtime that renders pages, feeds and mails)
// with Intl.NumberFormat in the site's language; the amount and currency stay available as data.
import { describe, expect, it } from "vitest";
import { formatFigure, readFigure } from "../src/render/figures.ts";

const figure = (value: number, unit?: string) => ({ label: "x", value, ...(unit ? { unit } : {}) });

describe("a figure", () => {
  it("reads the seed's figures as a reader expects, not as a database row", () => {
    expect(
      formatFigure({ label: "Military assistance provided in H1 2024", value: 20.9, unit: "EUR bn" }, "en-GB"),
    ).toBe("Military assistance provided in H1 2024: €20.9 billion");
    expect(readFigure(figure(40, "EUR bn"), "en-GB")).toEqual({
      amount: 40_000_000_000,
      currency: "EUR",
      text: "€40 billion",
    });
  });

  it.each([
    [20.9, "EUR bn", "de-DE", "20,9 Milliarden €"],
    [20.9, "EUR bn", "fr-FR", "20,9 milliards d'euros"],
    [3, "USD million", "fr", "3 millions de dollars des États-Unis"],
    [500, "EUR", "fr", "500 €"],
    [1.25, "USD tn", "en-US", "$1.25 trillion"],
    [350, "GBP m", "en-GB", "£350 million"],
    [1500, "EUR", "en-GB", "€1,500"],
    [0.5, "EUR m", "en-GB", "€500,000"],
    [3, "bn", "en-GB", "3 billion"],
    [5, "%", "en-GB", "5%"],
    [30000, "troops", "en-GB", "30,000 troops"],
    [12.5, undefined, "en-GB", "12.5"],
  ])("%s %s in %s reads “%s”", (value, unit, language, text) => {
    expect(readFigure(figure(value, unit), language).text.replace(/\u00a0/g, " ")).toBe(text);
  });

  it("keeps the amount in the unit's base and the currency code as data", () => {
    expect(readFigure(figure(350, "GBP m"), "en-GB")).toMatchObject({ amount: 350_000_000, currency: "GBP" });
    expect(readFigure(figure(30000, "troops"), "en-GB")).toEqual({ amount: 30000, text: "30,000 troops" });
  });
});
