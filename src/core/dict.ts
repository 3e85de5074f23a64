/** A record keyed by names that come from data (a seed's category, a language tag, a technique):
 * without a prototype, so `__proto__` or `constructor` is a key like any other. On `{}` such a key
 * read Object.prototype's own (a slice's `??=` then counted into Object.prototype, and the slice was
 * lost), and an assignment to `__proto__` set nothing. */
export function dict<T>(): Record<string, T> {
  return Object.create(null);
}
