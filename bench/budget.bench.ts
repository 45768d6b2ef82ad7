// `npm run bench budget`: 8 concurrent `tally chat` processes against one hard daily budget.
import { raceBudget } from './budgetRace.js';
import { formatUsd } from '../src/core/format.js';

export async function run(): Promise<void> {
  const result = await raceBudget({ processes: 8, turnsEach: 12, dailyBudgetUsd: 0.02, answerTokens: 100 });
  const share = ((result.billedUsd / result.budgetUsd) * 100).toFixed(1);
  console.log(`8 processes x 12 turns, daily budget ${formatUsd(result.budgetUsd)} (dist/cli.js; run npm run build first)`);
  console.log(`  billed by the server  ${formatUsd(result.billedUsd)} over ${result.sentRequests} requests (${share}% of the budget)`);
  console.log(`  in the ledger         ${formatUsd(result.ledgerUsd)}`);
  console.log(`  refused               ${result.refusedProcesses} of 8 processes stopped by the budget (exit 3)`);
  console.log(`  never exceeded        ${result.billedUsd <= result.budgetUsd ? 'yes' : 'NO: over budget'}`);
}
