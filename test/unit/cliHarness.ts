import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tally …` in-process with the given stdin and environment, capturing its output. */
export async function runTally(args: string[], stdin: string | Buffer = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: async function* () {
      yield typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
    },
    env,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
