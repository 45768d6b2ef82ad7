/**
 * The Tally gateway: a loopback Messages API that meters, budgets and (when asked) routes every
 * client that takes a base URL. The CLI (`tally gateway`) and the extension start it:
 *
 *   const gateway = await startGateway({ priceTable, ledger, workspace, apiKey: () => process.env.ANTHROPIC_API_KEY });
 *   // ANTHROPIC_BASE_URL=gateway.baseUrl claude -p "..."
 *   await gateway.close();  // in-flight requests finish (or are cut after the grace period), each with its entry
 */
export { DEFAULT_POLICY, MAX_REQUEST_BYTES, startGateway } from './gateway.js';
export { DEFAULT_UPSTREAM, isTallyGatewayUrl, upstreamProblem } from './upstreamUrl.js';
export type { Gateway, GatewayOptions, GatewayPolicy } from './gateway.js';
export { isTokenShaped, newToken, type Workspace } from './access.js';
export { AUTO_MODEL, type RoutingPolicy } from './routing.js';
export { DEFAULT_LOOP_REPEATS } from './defaults.js';
export type { Admission, BudgetGate, SpendRequest } from './budgetGate.js';
