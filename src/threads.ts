/**
 * What the users of worker threads share (search, import, digest): the tasks waiting for a thread's
 * answer, kept so that an answered one is let go at once.
 */

/**
 * Tasks waiting for an answer, by the id sent with each: slots of an array, reused. Not a Map: V8
 * replaces a Map's table as entries come and go, and the table it replaces keeps pointing at its
 * entries until a full collection. An entry holds its promise's resolve function, and through it the
 * answer once resolved; from an old table promoted to the old generation these stayed alive through
 * every young-generation collection (issue 16: a search thread's answers, ~2.2 MB promoted and a
 * ~10 ms pause each time the main thread's young generation was collected, against ~0.7 MB and ~4 ms
 * with these slots; 242 → 84 µs of collecting a search). An id is given again once taken: take an
 * entry when its answer came (from the thread it went to) or its thread is gone, never on a timeout
 * (a late answer would go to the next task given that id).
 * @example const tasks = new Pending<(a: string) => void>(); const id = tasks.add(resolve); tasks.take(id)?.('answer')
 */
export class Pending<T> {
  private readonly slots: (T | undefined)[] = [];
  private readonly free: number[] = [];

  /** Returns the id of the new entry: one freed before when there is one, so the slots stay as many as ever waited at once. */
  add(task: T): number {
    const id = this.free.pop() ?? this.slots.length;
    this.slots[id] = task;
    return id;
  }

  /**
   * Removes and returns the entry of `id` when there is one and `mine` says it is (undefined: none, or
   * another's). Ids are given again: an answer is taken with a test that it comes from the thread the
   * task went to (a dead thread's last answer may arrive after its tasks were failed and their ids given again).
   */
  take(id: number, mine: (task: T) => boolean = () => true): T | undefined {
    const task = this.slots[id];
    if (task === undefined || !mine(task)) return undefined;
    this.slots[id] = undefined;
    this.free.push(id);
    return task;
  }

  /** Removes and returns the entries `which` picks (all by default), oldest slot first. */
  takeAll(which: (task: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let id = 0; id < this.slots.length; id++) {
      const task = this.slots[id];
      if (task !== undefined && which(task)) out.push(this.take(id)!);
    }
    return out;
  }

  /** How many are waiting. */
  get size(): number {
    return this.slots.length - this.free.length;
  }
}
