import { describe, expect, it } from 'vitest';
import { Pending } from './threads.js';

describe('Pending', () => {
  it('gives each waiting task an id until it is taken, and reuses the ids of those taken', () => {
    const p = new Pending<string>();
    const a = p.add('a');
    const b = p.add('b');
    const c = p.add('c');
    expect(new Set([a, b, c]).size).toBe(3);
    expect(p.size).toBe(3);
    expect(p.take(b)).toBe('b');
    expect(p.take(b)).toBeUndefined(); // answered twice, or an id never given: nothing
    expect(p.take(99)).toBeUndefined();
    expect(p.size).toBe(2);
    const d = p.add('d');
    expect(d).toBe(b); // the freed slot: the array does not grow with the tasks answered
    expect(p.take(a)).toBe('a');
    expect(p.take(d)).toBe('d');
    expect(p.take(c)).toBe('c');
    expect(p.size).toBe(0);
    for (let i = 0; i < 1000; i++) expect(p.take(p.add(`t${i}`))).toBe(`t${i}`);
    expect(Math.max(p.add('x'), p.add('y'), p.add('z'), p.add('w'))).toBeLessThan(4);
  });

  it('takes the tasks a test picks (a failed thread’s), leaving the others', () => {
    const p = new Pending<{ worker: number; n: number }>();
    const ids = [0, 1, 0, 1, 0].map((worker, n) => p.add({ worker, n }));
    expect(p.takeAll((t) => t.worker === 0).map((t) => t.n)).toEqual([0, 2, 4]);
    expect(p.size).toBe(2);
    expect(p.take(ids[0]!)).toBeUndefined();
    expect(p.take(ids[1]!)).toEqual({ worker: 1, n: 1 });
    expect(p.takeAll().map((t) => t.n)).toEqual([3]);
    expect(p.size).toBe(0);
  });

  it('takes an entry only for the thread it went to: a dead thread’s late answer finds nothing', () => {
    const p = new Pending<{ worker: string }>();
    const id = p.add({ worker: 'old' });
    expect(p.takeAll((t) => t.worker === 'old')).toHaveLength(1); // the thread died: its task failed
    expect(p.add({ worker: 'new' })).toBe(id); // its id given again
    expect(p.take(id, (t) => t.worker === 'old')).toBeUndefined(); // the old thread's answer, late
    expect(p.size).toBe(1);
    expect(p.take(id, (t) => t.worker === 'new')).toEqual({ worker: 'new' });
  });
});
