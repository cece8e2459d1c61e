/**
 * Test support: reading a `/metrics` answer with an independent Prometheus text parser
 * (parse-prometheus-text-format). That parser folds a labelled histogram's series into one, so a
 * histogram's count by labels is read from its `_count` line instead.
 */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

/** A parsed exposition and how to read values from it. */
export interface Scrape {
  families: PromFamily[];
  /** The sum of a counter's or gauge's samples whose labels include `labels` (0 when none). */
  value(name: string, labels?: Record<string, string>): number;
  /** A histogram's observation count for exactly these labels (0 when absent). */
  count(name: string, labels?: Record<string, string>): number;
  /** A histogram's sum of observations for exactly these labels (0 when absent). */
  sum(name: string, labels?: Record<string, string>): number;
}

/**
 * Returns the exposition parsed; throws when the parser refuses it or a family has no TYPE.
 * @example scrape(text).value('jarida_http_requests_total', { route: 'cache' })
 */
export function scrape(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  for (const f of families) if (f.type === 'UNTYPED') throw new Error(`metrics: ${f.name} has no TYPE`);
  const histogramLine = (name: string, part: 'count' | 'sum', labels: Record<string, string>) => {
    const inner = Object.entries(labels).map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',');
    const line = text.split('\n').find((l) => l.startsWith(`${name}_${part}${inner ? `{${inner}}` : ''} `));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  const matches = (have: Record<string, string> | undefined, want: Record<string, string>) => Object.entries(want).every(([k, v]) => have?.[k] === v);
  return {
    families,
    value(name, labels = {}) {
      const f = families.find((x) => x.name === name);
      if (!f) return 0;
      return f.metrics.filter((m) => matches(m.labels, labels)).reduce((sum, m) => sum + Number(m.value), 0);
    },
    count: (name, labels = {}) => histogramLine(name, 'count', labels),
    sum: (name, labels = {}) => histogramLine(name, 'sum', labels),
  };
}
