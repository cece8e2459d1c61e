/**
 * A small evaluator for the `Expect:` lines of feedparser's test cases: Python boolean expressions
 * (`not bozo and entries[0]['title'] == u'x'`) parsed into a tree and evaluated against a
 * feedparser-shaped view of a candidate's result. Values carry the kind they compare as
 * (parser-compare.ts), so `==` means "the same text", "the same HTML", "the same instant".
 */
import { type Kind, matches } from './parser-compare.js';

type Tok = { t: 'str' | 'num' | 'name' | 'op'; v: string };

function pyTokens(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const sm = /^([uUbBrR]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 6));
    if (sm !== null) {
      const raw = /r/i.test(sm[1]!);
      const q = sm[2]!;
      let j = i + sm[0].length;
      let body = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\' && !raw) {
          body += src.slice(j, j + 2);
          j += 2;
        } else body += src[j++];
      }
      if (j >= src.length) throw new Error('unterminated string');
      toks.push({ t: 'str', v: raw ? body : pyUnescape(body) });
      i = j + q.length;
      continue;
    }
    const nm = /^\d+(?:\.\d+)?/.exec(src.slice(i));
    if (nm !== null) {
      toks.push({ t: 'num', v: nm[0] });
      i += nm[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id !== null) {
      toks.push({ t: 'name', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[<>()[\]{},:.\-+])/.exec(src.slice(i));
    if (op === null) throw new Error(`unexpected ${JSON.stringify(c)}`);
    toks.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  return toks;
}

function pyUnescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/gs, (_m, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

export type Py =
  | { k: 'name'; id: string }
  | { k: 'const'; v: unknown }
  | { k: 'seq'; items: Py[] }
  | { k: 'dict'; entries: [Py, Py][] }
  | { k: 'sub'; obj: Py; idx: Py }
  | { k: 'attr'; obj: Py; name: string }
  | { k: 'call'; fn: Py; args: Py[] }
  | { k: 'not'; e: Py }
  | { k: 'and' | 'or'; es: Py[] }
  | { k: 'cmp'; left: Py; ops: { op: string; right: Py }[] };

export function pyParse(src: string): Py {
  const toks = pyTokens(src);
  let p = 0;
  const peek = (v?: string): boolean => p < toks.length && (v === undefined || toks[p]!.v === v);
  const eat = (v: string): void => {
    if (!peek(v)) throw new Error(`expected ${v} at ${toks[p]?.v ?? 'end'}`);
    p++;
  };
  const or = (): Py => {
    const es = [and()];
    while (peek('or')) {
      p++;
      es.push(and());
    }
    return es.length === 1 ? es[0]! : { k: 'or', es };
  };
  const and = (): Py => {
    const es = [not()];
    while (peek('and')) {
      p++;
      es.push(not());
    }
    return es.length === 1 ? es[0]! : { k: 'and', es };
  };
  const not = (): Py => {
    if (peek('not')) {
      p++;
      return { k: 'not', e: not() };
    }
    return cmp();
  };
  const cmp = (): Py => {
    const left = postfix();
    const ops: { op: string; right: Py }[] = [];
    for (;;) {
      const t = toks[p];
      if (t === undefined) break;
      if (['==', '!=', '<', '>', '<=', '>='].includes(t.v) && t.t === 'op') {
        p++;
        ops.push({ op: t.v, right: postfix() });
      } else if (t.v === 'in' || t.v === 'is') {
        p++;
        ops.push({ op: t.v, right: postfix() });
      } else if (t.v === 'not' && toks[p + 1]?.v === 'in') {
        p += 2;
        ops.push({ op: 'not in', right: postfix() });
      } else break;
    }
    return ops.length === 0 ? left : { k: 'cmp', left, ops };
  };
  const postfix = (): Py => {
    let e = atom();
    for (;;) {
      if (peek('[')) {
        p++;
        const idx = or();
        eat(']');
        e = { k: 'sub', obj: e, idx };
      } else if (peek('.')) {
        p++;
        e = { k: 'attr', obj: e, name: toks[p++]!.v };
      } else if (peek('(')) {
        p++;
        const args: Py[] = [];
        while (!peek(')')) {
          args.push(or());
          if (peek(',')) p++;
        }
        eat(')');
        e = { k: 'call', fn: e, args };
      } else return e;
    }
  };
  const atom = (): Py => {
    const t = toks[p++];
    if (t === undefined) throw new Error('unexpected end');
    if (t.t === 'str') {
      let v = t.v;
      while (toks[p]?.t === 'str') v += toks[p++]!.v;
      return { k: 'const', v };
    }
    if (t.t === 'num') return { k: 'const', v: Number(t.v) };
    if (t.v === '-' && toks[p]?.t === 'num') return { k: 'const', v: -Number(toks[p++]!.v) };
    if (t.t === 'name') {
      if (t.v === 'True' || t.v === 'False') return { k: 'const', v: t.v === 'True' };
      if (t.v === 'None') return { k: 'const', v: null };
      return { k: 'name', id: t.v };
    }
    if (t.v === '(' || t.v === '[') {
      const close = t.v === '(' ? ')' : ']';
      const items: Py[] = [];
      let tuple = t.v === '[';
      while (!peek(close)) {
        items.push(or());
        if (peek(',')) {
          p++;
          tuple = true;
        }
      }
      eat(close);
      return tuple ? { k: 'seq', items } : items[0]!;
    }
    if (t.v === '{') {
      const entries: [Py, Py][] = [];
      while (!peek('}')) {
        const k = or();
        eat(':');
        entries.push([k, or()]);
        if (peek(',')) p++;
      }
      eat('}');
      return { k: 'dict', entries };
    }
    throw new Error(`unexpected ${t.v}`);
  };
  const e = or();
  if (p !== toks.length) throw new Error(`trailing ${toks[p]?.v}`);
  return e;
}

// The feedparser keys that exist in our shape; anything else makes a conjunct unmapped.
const MAPPED_FEED = new Set(['title', 'title_detail.value', 'link', 'description', 'subtitle', 'tagline', 'subtitle_detail.value', 'tagline_detail.value', 'language']);
const MAPPED_ENTRY = new Set([
  '', 'title', 'title_detail.value', 'link', 'id', 'guid', 'description', 'summary', 'summary_detail.value',
  'content', 'content.#', 'content.#.value', 'author', 'author_detail.name', 'published_parsed', 'updated_parsed',
  'tags', 'tags.#', 'tags.#.term', 'category',
]);

/** Returns the key path of a subscript/attribute chain (`entries[0]['title']` → ['entries','#','title']), or null. */
export function chain(e: Py): string[] | null {
  if (e.k === 'name') return [e.id];
  if (e.k === 'attr') {
    const c = chain(e.obj);
    return c === null ? null : [...c, e.name];
  }
  if (e.k === 'sub') {
    const c = chain(e.obj);
    if (c === null || e.idx.k !== 'const') return null;
    return [...c, typeof e.idx.v === 'number' ? '#' : String(e.idx.v)];
  }
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'get' && e.args[0]?.k === 'const') {
    const c = chain(e.fn.obj);
    return c === null ? null : [...c, String(e.args[0].v)];
  }
  return null;
}

export function isMapped(e: Py): boolean {
  switch (e.k) {
    case 'const':
      return true;
    case 'seq':
      return e.items.every(isMapped);
    case 'dict':
      return false;
    case 'not':
      return isMapped(e.e);
    case 'and':
    case 'or':
      return e.es.every(isMapped);
    case 'cmp':
      return isMapped(e.left) && e.ops.every((o) => isMapped(o.right));
    case 'call':
      if (e.fn.k === 'name' && (e.fn.id === 'len' || e.fn.id === 'ord')) return e.args.every(isMapped);
      if (e.fn.k === 'attr' && e.fn.name === 'get') return chainMapped(chain(e));
      return false;
    default:
      return chainMapped(chain(e));
  }
}

function chainMapped(c: string[] | null): boolean {
  if (c === null) return false;
  const [root, ...rest] = c;
  if (root === 'version') return rest.length === 0;
  if (root === 'feed') return MAPPED_FEED.has(rest.join('.'));
  if (root === 'entries') return rest.length === 0 || (rest[0] === '#' && MAPPED_ENTRY.has(rest.slice(1).join('.')));
  return false;
}

export class KeyMissing extends Error {}

/** A key our shape has but whose value is null: equal to '' (feedparser's empty), nothing else. */
export const EMPTY = Symbol('empty');

/** A value tagged with the kind it must be compared as. */
export class Tagged {
  constructor(readonly kind: Kind, readonly v: unknown) {}
}

/** A feedparser-like dict over our result: missing values raise like Python's KeyError. */
export class View {
  constructor(private readonly entries: Record<string, unknown>) {}
  get(key: string): unknown {
    if (!(key in this.entries)) throw new KeyMissing(key);
    const v = this.entries[key];
    if (v === null || v === undefined || (v instanceof Tagged && (v.v === null || v.v === undefined))) return EMPTY;
    return v;
  }
  has(key: string): boolean {
    return key in this.entries && this.get(key) !== EMPTY;
  }
}

export function pyEval(e: Py, env: Record<string, unknown>): unknown {
  switch (e.k) {
    case 'const':
      return e.v;
    case 'seq':
      return e.items.map((x) => pyEval(x, env));
    case 'dict':
      return new View({});
    case 'name':
      if (!(e.id in env)) throw new Error(`unknown name ${e.id}`);
      return env[e.id];
    case 'not':
      return !truthy(pyEval(e.e, env));
    case 'and':
      return e.es.every((x) => truthy(pyEval(x, env)));
    case 'or':
      return e.es.some((x) => truthy(pyEval(x, env)));
    case 'attr':
    case 'sub': {
      const obj = pyEval(e.obj, env);
      const key = e.k === 'attr' ? e.name : pyEval(e.idx, env);
      if (obj instanceof View) return obj.get(String(key));
      if (obj === EMPTY) throw new KeyMissing(String(key));
      if (Array.isArray(obj) && typeof key === 'number') {
        const v = obj[key < 0 ? obj.length + key : key];
        if (v === undefined) throw new KeyMissing(String(key));
        return v;
      }
      throw new Error('bad subscript');
    }
    case 'call': {
      if (e.fn.k === 'attr' && e.fn.name === 'get') {
        const obj = pyEval(e.fn.obj, env);
        const key = String(pyEval(e.args[0]!, env));
        if (obj instanceof View) return obj.has(key) ? obj.get(key) : e.args[1] ? pyEval(e.args[1], env) : null;
        throw new Error('bad get');
      }
      const fn = e.fn.k === 'name' ? e.fn.id : '';
      const arg = unwrap(pyEval(e.args[0]!, env));
      if (fn === 'len') return Array.isArray(arg) || typeof arg === 'string' ? arg.length : 0;
      if (fn === 'ord' && typeof arg === 'string' && [...arg].length === 1) return arg.codePointAt(0);
      throw new Error(`bad call ${fn}`);
    }
    case 'cmp': {
      let left = pyEval(e.left, env);
      for (const { op, right: r } of e.ops) {
        const right = pyEval(r, env);
        let ok: boolean;
        if (op === '==' || op === 'is') ok = pyEq(left, right);
        else if (op === '!=') ok = !pyEq(left, right);
        else if (op === 'in' || op === 'not in') {
          const hay = unwrap(right);
          const needle = unwrap(left);
          const found = right instanceof View ? right.has(String(needle)) : Array.isArray(hay) ? hay.some((x) => pyEq(x, left)) : typeof hay === 'string' && hay.includes(String(needle));
          ok = op === 'in' ? found : !found;
        } else {
          const a = Number(unwrap(left));
          const b = Number(unwrap(right));
          ok = op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
        }
        if (!ok) return false;
        left = right;
      }
      return true;
    }
  }
}

function unwrap(v: unknown): unknown {
  if (v === EMPTY) throw new KeyMissing('(empty)');
  return v instanceof Tagged ? v.v : v;
}

export function truthy(v: unknown): boolean {
  if (v === EMPTY) return false;
  const u = unwrap(v);
  if (Array.isArray(u)) return u.length > 0;
  return Boolean(u);
}

function pyEq(a: unknown, b: unknown): boolean {
  if (a === EMPTY || b === EMPTY) return (a === EMPTY ? b : a) === '';
  if (a instanceof Tagged) return matches(a.kind, a.v, unwrap(b));
  if (b instanceof Tagged) return matches(b.kind, b.v, unwrap(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  return a === b;
}

/**
 * Returns what an expression's top-level conjuncts say of `bozo`: true for `bozo`, false for
 * `not bozo`, null when they say nothing.
 */
export function bozoExpectation(e: Py): boolean | null {
  for (const c of e.k === 'and' ? e.es : [e]) {
    if (c.k === 'name' && c.id === 'bozo') return true;
    if (c.k === 'not' && c.e.k === 'name' && c.e.id === 'bozo') return false;
  }
  return null;
}
