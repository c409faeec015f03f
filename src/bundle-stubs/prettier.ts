// Stand-in for prettier in the Worker bundle (see README.md here): mails are never pretty-printed.
export function format(): never {
  throw new Error("pretty-printing is not bundled in the Worker");
}
export default {};
