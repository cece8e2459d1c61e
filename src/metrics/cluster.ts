/**
 * Metrics of a cluster (`serve --workers N`): the primary gathers every child's registry over IPC
 * with prom-client's AggregatorRegistry (counters and histograms summed, event-loop lag averaged,
 * the ingest lag's maximum), so one scrape shows the whole server — web workers and the ingestion
 * process. A web worker asked for `/metrics` on the site asks the primary for that sum.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Metrics } from './metrics.js';

const ASK = 'jarida:metrics?';
const ANSWER = 'jarida:metrics';
/** prom-client's own wait for every child is 5 s; a little more here. */
const ASK_TIMEOUT_MS = 6000;

type Ask = { type: typeof ASK; id: number };
type Answer = { type: typeof ANSWER; id: number; text?: string; error?: string };

/**
 * In the primary: returns the whole cluster's exposition on demand, and answers the workers that ask for it.
 * @example const cm = clusterMetrics(); await cm.gather(); cm.stop();
 */
export function clusterMetrics(): { gather(): Promise<string>; stop(): void } {
  const aggregator = new AggregatorRegistry();
  const gather = () => aggregator.clusterMetrics();
  const onMessage = (worker: import('node:cluster').Worker, m: unknown) => {
    if ((m as Ask | null)?.type !== ASK) return;
    const { id } = m as Ask;
    gather().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id, text } satisfies Answer),
      (err: Error) => worker.isConnected() && worker.send({ type: ANSWER, id, error: err.message } satisfies Answer),
    );
  };
  cluster.on('message', onMessage);
  return { gather, stop: () => void cluster.off('message', onMessage) };
}

/**
 * In a cluster child: lets the primary read this process's registry (prom-client answers its
 * requests from the registries set here), and returns how to ask the primary for the whole cluster's.
 */
export function answerPrimary(metrics: Metrics): () => Promise<string> {
  AggregatorRegistry.setRegistries([metrics.registry]);
  let next = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void }>();
  process.on('message', (m: unknown) => {
    const a = m as Answer | null;
    if (a?.type !== ANSWER) return;
    const w = waiting.get(a.id);
    waiting.delete(a.id);
    if (a.error !== undefined || a.text === undefined) w?.reject(new Error(`metrics: the primary could not gather them: ${a.error ?? 'no answer'}`));
    else w?.resolve(a.text);
  });
  return () => new Promise<string>((resolve, reject) => {
    const id = next++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`metrics: no answer from the primary within ${ASK_TIMEOUT_MS} ms`));
    }, ASK_TIMEOUT_MS);
    waiting.set(id, {
      resolve: (t) => (clearTimeout(timer), resolve(t)),
      reject: (e) => (clearTimeout(timer), reject(e)),
    });
    process.send!({ type: ASK, id } satisfies Ask);
  });
}
