/** OPML 2.0: the subscription lists feed readers exchange (`jarida sources import|export`). */
import { XMLParser } from 'fast-xml-parser';
import { escapeHtml as esc } from '../../html/text.js';

/** One feed of an OPML file. */
export interface OpmlFeed {
  title: string | null;
  xmlUrl: string;
  htmlUrl: string | null;
  language: string | null;
  /** Titles of the enclosing outlines, outermost first (folders in feed readers). */
  folders: string[];
}

/** An OPML file that cannot be read; the message says why. */
export class OpmlError extends Error {
  readonly code = 'JARIDA_OPML_INVALID';
}

type Outline = Record<string, unknown> & { outline?: Outline | Outline[] };

/** Returns the feeds of an OPML document (nested outlines flattened), in document order. */
export function parseOpml(xml: string): OpmlFeed[] {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true, isArray: (name) => name === 'outline' }).parse(xml, true) as Record<string, unknown>;
  } catch (err) {
    throw new OpmlError(`opml: not well-formed XML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const opml = doc.opml as { body?: Outline } | undefined;
  if (!opml || typeof opml !== 'object') throw new OpmlError('opml: no <opml> root element');
  const out: OpmlFeed[] = [];
  const walk = (nodes: Outline | Outline[] | undefined, folders: string[]) => {
    for (const o of nodes === undefined ? [] : Array.isArray(nodes) ? nodes : [nodes]) {
      const title = str(o.title) ?? str(o.text);
      const xmlUrl = str(o.xmlUrl) ?? str(o.xmlurl) ?? str(o.url);
      if (xmlUrl) out.push({ title, xmlUrl, htmlUrl: str(o.htmlUrl) ?? str(o.htmlurl), language: str(o.language), folders });
      if (o.outline) walk(o.outline, title && !xmlUrl ? [...folders, title] : folders);
    }
  };
  walk(opml.body?.outline, []);
  return out;
}

/** Returns an OPML 2.0 document listing the feeds. */
export function formatOpml(title: string, feeds: { title: string; xmlUrl: string; htmlUrl: string | null; language: string | null; folder?: string | null }[], now = new Date()): string {
  const line = (f: (typeof feeds)[number], indent: string) =>
    `${indent}<outline type="rss" text="${esc(f.title)}" title="${esc(f.title)}" xmlUrl="${esc(f.xmlUrl)}"` +
    `${f.htmlUrl ? ` htmlUrl="${esc(f.htmlUrl)}"` : ''}${f.language ? ` language="${esc(f.language)}"` : ''}/>`;
  // Feeds in a folder (a source's default section) under an outline of that name, after the others.
  const folders = new Map<string, typeof feeds>();
  for (const f of feeds) if (f.folder) folders.set(f.folder, [...(folders.get(f.folder) ?? []), f]);
  const lines = [
    ...feeds.filter((f) => !f.folder).map((f) => line(f, '    ')),
    ...[...folders].flatMap(([name, list]) => [`    <outline text="${esc(name)}" title="${esc(name)}">`, ...list.map((f) => line(f, '      ')), '    </outline>']),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${esc(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '    <docs>https://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

function str(x: unknown): string | null {
  return typeof x === 'string' && x.trim() ? x.trim() : null;
}

