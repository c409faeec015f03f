// The `_briefwire` JSON Feed extension: what it carries, and the JSON Schema that describes it for
// programs. JSON Feed 1.1 asks each extension object for an `about` URL pointing at its documentation;
// that page (src/web/extension-page.ts) links this schema.

export const EXTENSION_ABOUT_PATH = "/about/json-feed-extension";
export const EXTENSION_SCHEMA_PATH = `${EXTENSION_ABOUT_PATH}.schema.json`;

export function extensionSchema(base: string) {
  const url = { type: "string", format: "uri" };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${base}${EXTENSION_SCHEMA_PATH}`,
    title: "The _briefwire JSON Feed extension",
    description: `A JSON Feed 1.1 document's _briefwire objects: at the top level, and on each item. Documentation: ${base}${EXTENSION_ABOUT_PATH}`,
    type: "object",
    properties: {
      _briefwire: { $ref: "#/$defs/feed" },
      items: { type: "array", items: { type: "object", properties: { _briefwire: { $ref: "#/$defs/item" } } } },
    },
    $defs: {
      feed: {
        type: "object",
        required: ["about"],
        properties: { about: { ...url, description: "This documentation." } },
      },
      item: {
        type: "object",
        required: ["about", "briefing", "outcomes"],
        properties: {
          about: url,
          briefing: {
            description: "The briefing this item is, or belongs to (outcome feeds have one item per outcome).",
            type: "object",
            required: ["slug", "title", "url"],
            properties: { slug: { type: "string" }, title: { type: "string" }, url },
            additionalProperties: false,
          },
          outcomes: {
            description: "The briefing's key outcomes, in order (one, on an outcome feed's item).",
            type: "array",
            items: { $ref: "#/$defs/outcome" },
          },
        },
        additionalProperties: false,
      },
      outcome: {
        type: "object",
        required: ["id", "url", "headline", "figures"],
        properties: {
          id: { type: "string", description: "Stable within the briefing; the fragment of url." },
          url: { ...url, description: "The outcome on the briefing page: <briefing url>#<id>." },
          headline: { type: "string" },
          detail: { type: "string" },
          figures: { type: "array", items: { $ref: "#/$defs/figure" } },
        },
        additionalProperties: false,
      },
      figure: {
        type: "object",
        required: ["label", "value", "amount", "text"],
        properties: {
          label: { type: "string" },
          value: { type: "number", description: "The number as the author wrote it, in `unit`." },
          unit: { type: "string", description: 'As the author wrote it, e.g. "EUR bn", "%", "troops".' },
          amount: {
            type: "number",
            description: 'value in the unit\'s base: 20.9 "EUR bn" is 20900000000. Equal to value for other units.',
          },
          currency: { type: "string", pattern: "^[A-Z]{3}$", description: "ISO 4217 code, when unit names one." },
          text: { type: "string", description: 'The figure as the site shows it, e.g. "€20.9 billion".' },
        },
        additionalProperties: false,
      },
    },
  };
}
