import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineHashes, ThemeInlineError } from './theme-inline.js';
import { loadTheme } from './theme.js';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const of = (files: Record<string, string>) => inlineHashes(new Map(Object.entries(files).map(([k, v]) => [`/${k}`, v])));

describe("a theme's inline scripts and styles", () => {
  it('hashes the text of each inline script and style, once however often it appears', () => {
    const h = of({
      'layout.liquid': "<html><head><style>.a{color:red}</style></head><body>{{ x }}<SCRIPT type=\"module\">go()</SCRIPT>\n<script>\n  a();\n</script></body></html>",
      'other.liquid': '<script>\n  a();\n</script>',
    });
    expect(h.scripts).toEqual([sha('go()'), sha('\n  a();\n')]);
    expect(h.styles).toEqual([sha('.a{color:red}')]);
  });

  it('leaves data blocks and commented-out templates alone', () => {
    const h = of({ 'article.liquid': '<script type="application/ld+json">{"name": {{ article.title | json }}}</script>{% comment %}<p style="x">{% endcomment %}' });
    expect(h).toEqual({ scripts: [], styles: [] });
  });

  it('refuses, naming the template, what no hash can allow', () => {
    const refused = (files: Record<string, string>, text: string) => {
      expect(() => of(files)).toThrow(ThemeInlineError);
      expect(() => of(files)).toThrow(text);
    };
    refused({ 'layout.liquid': '<script>var lang = "{{ page.lang }}"</script>' }, 'theme: layout.liquid: an inline <script> with Liquid in it');
    refused({ 'home.liquid': '<style>.x{width:{% if a %}1{% endif %}px}</style>' }, 'theme: home.liquid: an inline <style> with Liquid');
    refused({ 'home.liquid': '<a href="#" onclick="go()">Go</a>' }, 'theme: home.liquid: an inline event handler, onclick=');
    refused({ 'card.liquid': '<div class="c" style="width: 3em">' }, 'theme: card.liquid: a style attribute (move it to style.css)');
    refused({ 'layout.liquid': '<script src="https://cdn.example/a.js"></script>' }, 'theme: layout.liquid: <script src=…>');
  });

  it("are the default theme's two scripts, and an own theme's are hashed when it loads", () => {
    expect(loadTheme(null).hashes.scripts).toHaveLength(2);
    const own = mkdtempSync(join(tmpdir(), 'jarida-theme-'));
    writeFileSync(join(own, 'layout.liquid'), '<html><body><script>own()</script>{% block content %}{% endblock %}</body></html>');
    expect(loadTheme(own).hashes.scripts).toEqual([sha('own()')]);
    writeFileSync(join(own, 'home.liquid'), '<p onmouseover="x()">');
    expect(() => loadTheme(own)).toThrow('theme: home.liquid: an inline event handler, onmouseover=');
  });
});
