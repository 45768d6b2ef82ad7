/**
 * The shape of a prompt, read in one pass over its lines: which part is the user's
 * instruction and what was pasted after it (code, a stack trace, a diff, several documents).
 * Intent is read from the instruction only, so words inside pasted material ("prod", "invoice")
 * do not steer a request that only asks to summarise or reformat that material.
 */
export interface PromptAnatomy {
  /** Lower-cased instruction: the opening block plus a short closing question, if any. */
  instruction: string;
  /** Lower-cased prompt, capped, for signals that may sit anywhere (concurrency primitives). */
  whole: string;
  chars: number;
  lines: number;
  codeLines: number;
  traceLines: number;
  diffLines: number;
  /** Headed sections such as "--- Doc A ---" or "=== Doc 2 ===". */
  documentSections: number;
  /** True when everything is one short line with nothing pasted. */
  bare: boolean;
}

/** Instruction text is capped: intent is stated early, and the cap bounds the regex work. */
const INSTRUCTION_CAP = 1200;
const CLOSING_CAP = 400;
/** The whole-text scan is capped so a 20,000-character paste stays well under a millisecond. */
const WHOLE_CAP = 8000;

const TRACE_LINE =
  /^\s*(at [\w$.<>[\]]+ ?\(|at [\w./\\-]+:\d+|file "[^"]+", line \d+|traceback \(most recent call last\)|\w+(\.\w+)*(error|exception)\b.*:|error\[e\d+\]|panic:|goroutine \d+ \[|caused by:|thread '.*' panicked|#\d+ +0x[0-9a-f]+|\s*--> [\w./]+:\d+)/i;
const DIFF_LINE = /^(@@ |\+\+\+ |--- a\/|diff --git|[+-](?![+-]{2}))/;
const DOC_HEADER = /^\s*(---|===|###?|\*\*)\s*(doc(ument)?|rfc|postmortem|proposal|spec|option|vendor)\b/i;
const CODE_LINE =
  /^(\s{2,}|\t)\S|[;{}]\s*$|^\s*(def |class |fn |func |function |import |from \S+ import|export |const |let |var |pub |impl |public |private |return |if \(|for \(|while |#include|select |insert |update |create table|<\w+[^>]*>)|=>|\)\s*\{|:=/i;

export function readAnatomy(prompt: string): PromptAnatomy {
  const text = prompt.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  let codeLines = 0;
  let traceLines = 0;
  let diffLines = 0;
  let documentSections = 0;
  let inFence = false;
  for (const line of lines) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (line.trim() === '') continue;
    if (TRACE_LINE.test(line)) traceLines++;
    else if (DIFF_LINE.test(line)) diffLines++;
    else if (inFence || CODE_LINE.test(line)) codeLines++;
    if (DOC_HEADER.test(line)) documentSections++;
  }
  const blocks = text.split(/\n\s*\n/).filter((block) => block.trim() !== '');
  const opening = firstInstruction(blocks[0] ?? '');
  const closing = blocks.length > 1 ? (blocks[blocks.length - 1] ?? '') : '';
  // A closing question ("What's the bug?") is part of the instruction; a pasted list or chat log is not.
  const closingLines = closing.trim().split('\n');
  const closingIsQuestion =
    closing.length <= CLOSING_CAP && closingLines.length <= 2 && /\?\s*$/.test(closing) && !closingLines.some(isPastedLine);
  // Without a "…:" introducing pasted material, later prose paragraphs are still the user talking.
  let body = opening;
  if (!/:\s*$/.test(opening)) {
    for (const block of blocks.slice(1, -1)) {
      if (body.length >= INSTRUCTION_CAP) break;
      if (!block.split('\n').some(isPastedLine)) body += `\n${block}`;
    }
  }
  const instruction = (body.slice(0, INSTRUCTION_CAP) + (closingIsQuestion ? `\n${closing}` : '')).toLowerCase();
  return {
    instruction,
    whole: text.slice(0, WHOLE_CAP).toLowerCase(),
    chars: text.length,
    lines: lines.length,
    codeLines,
    traceLines,
    diffLines,
    documentSections,
    bare: lines.length === 1 && text.length < 200,
  };
}

/** Code, a trace, a list item, a quote or a "Name: message" chat line: material, not instruction. */
function isPastedLine(line: string): boolean {
  return CODE_LINE.test(line) || TRACE_LINE.test(line) || /^\s*([-*>•|]|\d+[.)]|["'`]|[\w.-]+:\s)/.test(line);
}

/** "Summarize this thread:\nDana: …" — a first line ending in a colon introduces pasted material. */
function firstInstruction(block: string): string {
  const newline = block.indexOf('\n');
  if (newline === -1 || newline > 300) return block;
  const firstLine = block.slice(0, newline);
  return /:\s*$/.test(firstLine) ? firstLine : block;
}
