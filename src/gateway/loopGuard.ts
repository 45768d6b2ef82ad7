// An agent stuck in a loop sends the same tool call again and again, paying for the whole
// conversation each time. The guard stops a request whose conversation ends with the same call
// (same tool, same input) made `repeats` times in a row, before anything is sent.
import { contentBlocks, isObject, messagesOf, type Json } from './requestBody.js';

export interface LoopFinding {
  /** The repeated call, as "name(input)", shortened for a message. */
  call: string;
  repeats: number;
}

/**
 * The repeated call if the request continues a loop: its last message returns tool results, and
 * the last `repeats` assistant turns each made exactly the same tool calls.
 */
export function findToolLoop(body: Json, repeats: number): LoopFinding | null {
  if (repeats < 2) return null;
  // System messages inside `messages` (reminders Claude Code adds after a tool result) are not turns.
  const messages = messagesOf(body).filter((message) => message.role !== 'system');
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || !contentBlocks(last.content).some((block) => block['type'] === 'tool_result')) return null;
  let signature: string | null = null;
  let run = 0;
  for (let i = messages.length - 1; i >= 0 && run < repeats; i--) {
    const message = messages[i]!;
    if (message.role !== 'assistant') continue;
    const calls = contentBlocks(message.content).filter((block) => block['type'] === 'tool_use');
    if (calls.length === 0) break;
    const current = calls.map((call) => `${String(call['name'])}(${canonicalJson(call['input'])})`).join(', ');
    if (signature !== null && current !== signature) break;
    signature = current;
    run++;
  }
  return run >= repeats && signature !== null ? { call: shorten(signature), repeats: run } : null;
}

/** JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are the same input. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function loopMessage(finding: LoopFinding): string {
  return (
    `Tally: loop guard: the same tool call ${finding.call} was made ${finding.repeats} times in a row, so this request was not sent. ` +
    'Change the approach or the input, or turn the guard off (tally gateway --loop-guard off, or the tally.gateway.loopGuard setting).'
  );
}
