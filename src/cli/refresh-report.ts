/**
 * @deprecated The refresh lines moved to src/ingest/refresh-report.ts (the desk shows them too);
 * this re-export keeps branches in flight that import them here building.
 */
export { describeRefresh, describeRound, failedOf } from '../ingest/refresh-report.js';
