// The footer line of every page and mail: the publisher and the postal address the law asks for.

/** "briefwire, 1 Example Street…", not "briefwire · briefwire, 1 Example Street…" when the address already names the publisher. */
export function publisherLine(publisher: string, postalAddress: string): string {
  const named = postalAddress.toLowerCase().startsWith(publisher.trim().toLowerCase());
  return named ? postalAddress : `${publisher} · ${postalAddress}`;
}
