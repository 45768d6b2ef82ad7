import type { Command } from '../command.js';
import { chatCommand } from './chat.js';
import { costCommand } from './cost.js';
import { countCommand } from './count.js';
import { estimateCommand } from './estimate.js';
import { gatewayCommand } from './gateway.js';
import { importCommand } from './import.js';
import { pricesCommand } from './prices.js';
import { reconcileCommand } from './reconcile.js';
import { routeCommand } from './route.js';
import { reportCommand } from './report.js';
import { statuslineCommand } from './statusline.js';

/** Every `tally` subcommand, by name. */
export const commands: Record<string, Command> = {
  count: countCommand,
  cost: costCommand,
  prices: pricesCommand,
  estimate: estimateCommand,
  route: routeCommand,
  report: reportCommand,
  chat: chatCommand,
  gateway: gatewayCommand,
  import: importCommand,
  statusline: statuslineCommand,
  reconcile: reconcileCommand,
};
