import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTheme } from './theme.js';

describe('themes', () => {
  it('an own folder overrides single templates and the stylesheet; the rest falls back to the default', async () => {
    const own = mkdtempSync(join(tmpdir(), 'jarida-theme-'));
    writeFileSync(join(own, 'style.css'), 'body { color: rebeccapurple }');
    writeFileSync(join(own, 'error.liquid'), "{% layout 'layout' %}{% block content %}<p class=\"own\">Own error {{ error.status }}: {{ error.text }}</p>{% endblock %}");
    const theme = loadTheme(own);
    expect(theme.stylesheet.body.toString()).toBe('body { color: rebeccapurple }');
    expect(theme.stylesheet.path).toMatch(/^\/assets\/style\.[0-9a-f]{12}\.css$/);
    const ctx = { t: { skipToContent: 'Skip' }, header: { strip: [], social: [], languages: [] }, site: { name: 'S', stylesheet: theme.stylesheet.path }, page: { lang: 'en', dir: 'ltr', home: '/' } };
    const html = await theme.render('error', { ...ctx, error: { status: 404, text: '<b>x</b>' } });
    expect(html).toContain('<p class="own">Own error 404: &lt;b&gt;x&lt;/b&gt;</p>'); // own template, output escaped
    expect(html).toContain('<header class="site-header">'); // default layout
    const day = await theme.render('month', { ...ctx, heading: 'H', countLabel: 'C', days: [] });
    expect(day).toContain('<ul class="archive">'); // default template
  });

  it('an own folder without a stylesheet keeps the default one', () => {
    expect(loadTheme(mkdtempSync(join(tmpdir(), 'jarida-empty-'))).stylesheet.path).toBe(loadTheme(null).stylesheet.path);
  });

  it('names a missing theme folder', () => {
    expect(() => loadTheme('/nonexistent/theme')).toThrow('theme: folder not found: /nonexistent/theme');
  });
});
