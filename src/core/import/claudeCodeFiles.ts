// Where Claude Code keeps its session logs, and reading their usage lines from a byte offset on.
// Logs are only ever read.
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The `projects` folders to read: `--dir DIR` (a Claude config folder, or its projects folder), else
 * each folder of $CLAUDE_CONFIG_DIR (comma-separated, as ccusage reads it), else ~/.claude and
 * ~/.config/claude, the two places Claude Code has kept them.
 */
export function claudeProjectDirs(dir: string | undefined, env: Record<string, string | undefined>, homeDir: string): string[] {
  const configDirs = dir
    ? [dir]
    : env['CLAUDE_CONFIG_DIR']
      ? env['CLAUDE_CONFIG_DIR']
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [path.join(homeDir, '.claude'), path.join(homeDir, '.config', 'claude')];
  return configDirs.map((configDir) => (path.basename(configDir) === 'projects' ? configDir : path.join(configDir, 'projects')));
}

/** Every *.jsonl under the projects folders (missing folders have none), sorted for a stable order. */
export async function listLogFiles(projectDirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const projects of projectDirs) {
    let names: string[];
    try {
      names = await readdir(projects, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw error;
    }
    for (const name of names) if (name.endsWith('.jsonl')) files.push(path.join(projects, name));
  }
  return [...new Set(files)].sort();
}

/** One session's logs: its transcript and the subagent transcripts in the folder named after it. */
export async function sessionLogFiles(transcript: string): Promise<string[]> {
  const folder = transcript.replace(/\.jsonl$/, '');
  return [transcript, ...(folder === transcript ? [] : await listLogFiles([folder]))];
}

/** The session a log file belongs to: projects/<project>/<session>.jsonl, or projects/<project>/<session>/…/x.jsonl. */
export function sessionOfFile(projects: string, file: string): string {
  const parts = path.relative(projects, file).split(path.sep);
  return parts.length > 2 ? parts[1]! : path.basename(file, '.jsonl');
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export async function stampOf(file: string): Promise<FileStamp | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined; // gone since it was listed
  }
}

export interface RawLine {
  start: number;
  end: number;
  text: string;
}

const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
// Lines without it cannot carry usage; it is found without decoding or parsing the rest.
const USAGE_MARKER = Buffer.from('"usage"');

/**
 * The complete lines between `from` and `to` that mention usage, and `end`: the offset just after the
 * last complete line (a line still being written is left for the next read).
 */
export async function readUsageLines(file: string, from: number, to: number): Promise<{ lines: RawLine[]; end: number }> {
  const lines: RawLine[] = [];
  const handle = await open(file, 'r');
  try {
    let carried: Buffer = Buffer.alloc(0);
    let base = from; // file offset of carried[0]
    let position = from;
    while (position < to) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, to - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const buffer = carried.length > 0 ? Buffer.concat([carried, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const lastNewline = buffer.lastIndexOf(NEWLINE);
      const complete = lastNewline + 1;
      let found = buffer.indexOf(USAGE_MARKER);
      while (found !== -1 && found < complete) {
        const start = buffer.lastIndexOf(NEWLINE, found) + 1;
        const end = buffer.indexOf(NEWLINE, found);
        lines.push({ start: base + start, end: base + end + 1, text: buffer.toString('utf8', start, end) });
        found = buffer.indexOf(USAGE_MARKER, end + 1);
      }
      carried = buffer.subarray(complete);
      base += complete;
    }
    return { lines, end: base };
  } finally {
    await handle.close();
  }
}

/** A response still being logged may gain lines; one whose lines end a file this fresh waits for the next import. */
export const DEFAULT_SETTLE_MS = 10_000;
