// Runs the fake Anthropic API as a process (e2e tests, `tally chat` simulations):
//   node --import tsx src/simulator/main.ts --port N [--time-scale N] [--api-key K ...]
// Prints its URL on the first line of stdout; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startFakeAnthropic } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'time-scale': { type: 'string', default: '1' },
    'api-key': { type: 'string', multiple: true },
  },
});

const port = Number(values.port);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
if (!(timeScale > 0)) fail(`--time-scale must be a positive number, got "${values['time-scale']}"`);

void startFakeAnthropic({ port, timeScale, ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}) }).then(
  (fake) => {
    process.stdout.write(`${fake.url}\n`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void fake.close().then(() => process.exit(0)));
    }
  },
  (error: unknown) => fail((error as Error).message),
);

function fail(message: string): never {
  process.stderr.write(`fake-anthropic: ${message}\n`);
  process.exit(2);
}
