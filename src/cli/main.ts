import { TallyError } from '../core/errors.js';
import { commands } from './commands/index.js';
import { processIO, type CliIO } from './io.js';

const USAGE = `tally: LLM cost before you send

Usage: tally <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Run "tally <command> --help" for a command's options.
`;

/** Runs one CLI invocation; returns the exit code. User errors print one line, never a stack. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`tally: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof TallyError) {
      io.stderr(`tally ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`tally ${name}: internal error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `tally … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  runCli(process.argv.slice(2), processIO).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tally: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
