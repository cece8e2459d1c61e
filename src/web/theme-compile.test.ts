import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type FS } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THEME_DIR } from '../paths.js';
import { compileTemplate } from './theme-compile.js';

/** An engine configured as theme.ts configures it, over templates in memory. */
function engine(files: Record<string, string>): Liquid {
  const fs: FS = {
    exists: async (f) => `${f}` in files,
    existsSync: (f) => f in files,
    readFile: async (f) => files[f]!,
    readFileSync: (f) => {
      const text = files[f];
      if (text === undefined) throw new Error(`no template ${f}`);
      return text;
    },
    resolve: (_dir, file, ext) => `/${file.replace(/^\/+/, '')}${file.endsWith(ext) ? '' : ext}`,
    containsSync: () => true,
    contains: async () => true,
    sep: '/',
    dirname: () => '/',
  };
  return new Liquid({ root: ['/'], extname: '.liquid', fs, outputEscape: 'escape', cache: true, strictFilters: true, greedy: false });
}

/** Renders with the compiled template and with LiquidJS; both must agree byte for byte. */
function both(files: Record<string, string>, name: string, data: object): string {
  const e = engine(files);
  const fast = compileTemplate(e, name);
  expect(fast, `${name} should compile`).not.toBeNull();
  const expected = e.renderFileSync(name, data) as string;
  expect(fast!(data)).toBe(expected);
  return expected;
}

const DATA = {
  s: `<a href="x">Tom & 'Jerry'</a>`,
  n: 0,
  f: 1.5,
  t: true,
  no: false,
  none: null,
  emptyText: '',
  list: ['a', '<b>', 3],
  nested: [[1, 2], ['x']],
  objs: [{ title: 'One', tags: ['p', 'q'], summary: '' }, { title: 'Two <2>', summary: null }],
  obj: { a: 1, b: { c: 'deep' }, size: 'own size', fn: () => 'called' },
  map: { x: 1, y: 2 },
};

describe('compiled templates', () => {
  it('render outputs as LiquidJS does: escaped, raw, nil, numbers, booleans, arrays, missing names', () => {
    both({ '/t.liquid': '{{ s }}|{{ s | raw }}|{{ n }}|{{ f }}|{{ t }}|{{ no }}|{{ none }}|{{ missing }}|{{ missing.deep }}|{{ list }}|{{ nested }}|{{ obj }}|{{ "lit<" }}|{{ 42 }}|{{ none | raw }}' }, 't', DATA);
  });

  it('read properties as LiquidJS does: size, first, last, indexes, own properties only, functions', () => {
    both({ '/t.liquid': '{{ list.size }} {{ list.first }} {{ list.last }} {{ list[1] }} {{ list[-1] }} {{ list[9] }} {{ s.size }} {{ obj.size }} {{ map.size }} {{ obj.b.c }} {{ obj.fn }} {{ obj.toString }} {{ objs.first.title }} {{ "abc".size }} {{ size }} {{ constructor }}' }, 't', DATA);
  });

  it('test conditions as LiquidJS does: only nil and false are false; comparisons, contains, and/or/not', () => {
    const tpl = [
      '{% if emptyText %}e{% endif %}{% if n %}n{% endif %}{% if none %}x{% elsif no %}y{% else %}z{% endif %}',
      '{% unless no %}u{% endunless %}{% unless t %}a{% elsif n %}b{% else %}c{% endunless %}',
      '{% if list.size == 3 and objs.size > 1 %}1{% endif %}{% if n != 0 or t %}2{% endif %}{% if not no %}3{% endif %}',
      '{% if list contains "<b>" %}4{% endif %}{% if s contains "Tom" %}5{% endif %}{% if nested contains list %}6{% endif %}',
      '{% if none == missing %}7{% endif %}{% if none == none %}7{% endif %}{% if f >= 1.5 and f <= 1.5 and f < 2 %}8{% endif %}{% if nested.first == nested.first %}9{% endif %}',
    ].join('');
    expect(both({ '/t.liquid': tpl }, 't', DATA)).toBe('enzub12345789');
  });

  it('loop as LiquidJS does: arrays, a string, an object, else when empty, nested, the loop variable shadowing', () => {
    const tpl = '{% for o in objs %}[{{ o.title }}{% for t in o.tags %}({{ t }}){% endfor %}{% if o.summary %}s{% endif %}]{% endfor %}'
      + '{% for c in s %}<{{ c }}>{% endfor %}{% for kv in map %}{{ kv[0] }}={{ kv[1] }};{% endfor %}'
      + '{% for x in none %}x{% else %}none{% endfor %}{% for s in list %}{{ s }}{% endfor %}{{ s }}';
    both({ '/t.liquid': tpl }, 't', DATA);
  });

  it('render partials with their own arguments only, and layouts with blocks, as the default theme does', () => {
    const files = {
      '/page.liquid': "{% layout 'base' %}\n{% block content %}<h1>{{ s }}</h1>{% render 'item', it: obj.b, flag %}{{ it }}{% endblock %}\n{% block other %}O{% endblock %}",
      '/base.liquid': '<html>{% block content %}default{% endblock %}|{% block other %}X{% endblock %}|{% block absent %}kept{% endblock %}|{{ n }}</html>',
      '/item.liquid': '<i>{{ it.c }}{{ flag }}{{ s }}</i>',
    };
    expect(both(files, 'page', DATA)).toBe('<html><h1>&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;</h1><i>deeptrue</i>|O|kept|0</html>');
  });

  it('render every default template as LiquidJS does', () => {
    const files: Record<string, string> = {};
    for (const f of readdirSync(DEFAULT_THEME_DIR)) if (f.endsWith('.liquid')) files[`/${f}`] = readFileSync(join(DEFAULT_THEME_DIR, f), 'utf8');
    const picture = { src: '/media/a-640.jpg', srcset: '/media/a-320.jpg 320w, /media/a-640.jpg 640w', type: 'image/jpeg', webpSrcset: '/media/a-320.webp 320w', width: 640, height: 360 };
    const card = { title: 'A <title>', href: '/2019/02/15/a/', time: '15 February 2019 14:33', iso: '2019-02-15T11:33:00.000Z', source: 'S & Co', sourceHref: '/source/s/', summary: "It's", lang: 'ar', dir: 'rtl', picture };
    const data = {
      t: new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? `«${k}»` : undefined), has: () => true, getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: 'x' }) }),
      header: { today: 'T', todayIso: '2019-02-15', strip: [{ label: 'L', iso: 'I', count: '1', href: '/h' }], total: 'Total', counts: '<nav>c</nav>', social: [{ name: 'X', url: 'https://x' }], languages: [{ lang: 'en', name: 'English', href: '/', current: true }, { lang: 'ar', name: 'ع', href: '/ar/', current: false }], sections: [{ name: 'World & co', href: '/section/world/', current: true }, { name: 'Sport', href: '/section/sport/', current: false }] },
      site: { name: 'Site', stylesheet: '/s.css' },
      page: { lang: 'en', dir: 'ltr', title: 'P', description: 'D "q"', canonical: 'https://c', noindex: true, home: '/', search: '/search', alternates: [{ lang: 'tr', href: '/tr/' }] },
      articles: [card, { ...card, source: null, summary: null, picture: null }, { ...card, sourceHref: null }],
      lead: card, nothing: false, sections: [{ slug: 'world', name: 'World', href: '/section/world/', more: 'More', articles: [card] }],
      previousDay: { href: '/2019/02/14/', label: '14 February', iso: '2019-02-14' }, nextDay: null,
      source: { name: 'S & Co', href: 'https://s', lang: 'ar', dir: 'rtl' },
      pager: { newer: '/?page=1', older: null, label: 'Page 2' },
      heading: 'H', countLabel: 'C', count: 2, days: [{ href: '/d', label: 'D', count: '3' }], months: [],
      article: {
        ...card, author: 'Au', image: 'https://i', body: '<p>body</p>', sourceHref: 'https://s', sourceHost: 's', sourcePage: '/source/s/', original: 'https://o',
        sections: [{ name: 'World', href: '/section/world/' }, { name: 'Economy', href: '/section/economy/' }], tags: [{ name: 'Tag <x>', href: '/tag/x/' }],
      },
      older: { href: '/o', title: 'Older', lang: 'en', dir: 'ltr' }, newer: null,
      error: { status: 404, title: 'Not found', text: 'No', detail: '<x>' },
      form: { action: '/search', q: 'a "b"', from: '', to: '', source: '' }, message: 'M', note: null,
      results: [{ ...card, titlePieces: [{ text: 'a', mark: true }, { text: '<b>', mark: false }], snippet: [{ text: 's', mark: false }] }],
    };
    const e = engine(files);
    for (const name of Object.keys(files).map((f) => f.slice(1, -'.liquid'.length))) {
      const fast = compileTemplate(e, name);
      if (name === 'layout') continue; // only ever rendered as a layout
      expect(fast, `${name} should compile`).not.toBeNull();
      expect(fast!(data), name).toBe(e.renderFileSync(name, data));
    }
  });

  it('leaves to LiquidJS what it does not compile', () => {
    const e = engine({
      '/filter.liquid': '{{ s | upcase }}', '/forloop.liquid': '{% for x in list %}{{ forloop.index }}{% endfor %}',
      '/assign.liquid': '{% assign a = 1 %}{{ a }}', '/limit.liquid': '{% for x in list limit: 1 %}{{ x }}{% endfor %}',
      '/super.liquid': "{% layout 'base' %}{% block b %}{{ block.super }}{% endblock %}", '/base.liquid': '{% block b %}B{% endblock %}',
      '/broken.liquid': '{% if %}', '/nil.liquid': '{% if x == nil %}{% endif %}',
    });
    for (const name of ['filter', 'forloop', 'assign', 'limit', 'super', 'broken', 'nil', 'absent']) expect(compileTemplate(e, name), name).toBeNull();
  });
});
