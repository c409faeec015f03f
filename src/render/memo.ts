// Build-time work done once: the build renders every document of the archive, and work repeated per
// document (per page, per feed, per format) made it quadratic.

/**
 * A cache of values computed once per owner object and key. Owners are held weakly (a content
 * model, a briefing), so the values go when the owner does.
 */
export function oncePerOwnerAndKey<O extends object, V>(): (owner: O, key: string, compute: () => V) => V {
  const cache = new WeakMap<O, Map<string, V>>();
  return (owner, key, compute) => {
    let byKey = cache.get(owner);
    if (!byKey) {
      byKey = new Map();
      cache.set(owner, byKey);
    }
    let value = byKey.get(key);
    if (value === undefined) {
      value = compute();
      byKey.set(key, value);
    }
    return value;
  };
}
