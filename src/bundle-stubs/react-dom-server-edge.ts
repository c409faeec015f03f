// The streaming half of react-dom/server.edge, which is all @react-email/render uses in a Worker.
// The package's own entry also bundles the legacy renderer (~260 KiB) next to it; see README.md here.
// Paths go straight to the files because the package's export map does not list them; the build
// (production or development) must match the one `react` resolves to, as the package entry does.
declare const require: (id: string) => { renderToReadableStream: unknown; version: string };

const edge =
  process.env.NODE_ENV === "production"
    ? require("../../node_modules/react-dom/cjs/react-dom-server.edge.production.js")
    : require("../../node_modules/react-dom/cjs/react-dom-server.edge.development.js");

export const renderToReadableStream = edge.renderToReadableStream;
export const version = edge.version;
