// One text order for everything that decides results or output: a plan's facets, a vulnerability
// ranking's ties, a benchmark's slices. String#localeCompare without a locale takes the machine's
// (LANG): under da_DK "aa" sorts after "z", under sv_SE "ä" does, so the same seed and config ranked
// and planned differently on another machine. Pinned to en-US, the order every measurement so far
// was made in (Node's default locale under LANG=C.UTF-8 and en_US alike).
const collator = new Intl.Collator('en-US');

/** Compares two strings as en-US collation does, whatever the machine's locale. */
export const compareText = (a: string, b: string): number => collator.compare(a, b);
