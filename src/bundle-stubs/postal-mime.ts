// Stand-in for postal-mime in the Worker bundle (see README.md here): no inbound mail is parsed.
export default class PostalMime {
  static parse(): never {
    throw new Error("inbound mail parsing is not bundled in the Worker");
  }
  parse(): never {
    return PostalMime.parse();
  }
}
