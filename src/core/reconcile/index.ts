/**
 * Tally's ledger against Anthropic's bill (the Usage and Cost Admin API), per UTC day and model:
 *
 *   const admin = createAdminClient({ adminKey });
 *   const range = { since: '2026-11-01', until: '2026-11-07' };
 *   const result = reconcile({ ...range, entries, usage: await admin.usage(range), cost: await admin.cost(range), priceTable, today });
 *   result.rows[0].findings; // [{ kind: 'outside-tally', apiKeyId: 'apikey_…', message }]
 */
export { createAdminClient, nextDay } from './adminClient.js';
export type { AdminClient, ReportRange } from './adminClient.js';
export { FINDING_KINDS, reconcile } from './compare.js';
export type { Finding, FindingKind, Reconciliation, ReconcileRow } from './compare.js';
