/**
 * The store reads of what every page carries around its content — the header's recent days' counts,
 * the total and the section menu, the footer's own pages — kept until the next change this process
 * hears. A page rendered anew (not in the page cache, or with the page cache off) then reads only its
 * own content: the four small reads cost ~25 µs alone and 50–80 µs in a busy process, on every page
 * and search. Only `serve` keeps them: its change watcher calls `changed()` for every committed change
 * (every write that moves a count, a section or an own page signals one: store/changes.ts), before
 * the page cache hears it; an app without one (tests, `jarida` commands) reads them each time.
 */

/** Distinct reads kept at most (a few per language and day); past it, all go. */
const MAX_ENTRIES = 64;

export class ChromeCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  /** A committed change was heard: every read is made again when next asked for. */
  changed(): void {
    this.entries.clear();
  }

  /**
   * Returns what `read` answers for `key`, read once until the next change; a failed read is not kept.
   * @example chrome.get(`total`, () => findPublishedTotal(store.db))
   */
  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.entries.get(key);
    if (kept) return kept as Promise<T>;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const made = read();
    this.entries.set(key, made);
    made.catch(() => {
      if (this.entries.get(key) === made) this.entries.delete(key);
    });
    return made;
  }
}

/** Returns `read()`, through `chrome` under `key` when there is one. */
export function readChrome<T>(chrome: ChromeCache | undefined, key: string, read: () => Promise<T>): Promise<T> {
  return chrome ? chrome.get(key, read) : read();
}
