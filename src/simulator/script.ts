// Replies a test scripts in advance: the next /v1/messages requests answer with exactly these content
// blocks (text and tool_use), so a real client such as Claude Code runs a tool and sends its tool_result.
// A reply holding a tool_use waits for a request that offers that tool (a model can only call tools it
// was given), so a client's side requests without tools do not use it up.
import * as v from 'valibot';

const TextBlock = v.strictObject({ type: v.literal('text'), text: v.pipe(v.string(), v.nonEmpty()) });
const ToolUseBlock = v.strictObject({
  type: v.literal('tool_use'),
  name: v.pipe(v.string(), v.nonEmpty()),
  input: v.record(v.string(), v.unknown()),
});

export const ScriptedReplySchema = v.strictObject({
  content: v.pipe(v.array(v.variant('type', [TextBlock, ToolUseBlock])), v.minLength(1)),
  /** How many requests in a row get this reply (default 1). */
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
});
export type ScriptedReplyInput = v.InferInput<typeof ScriptedReplySchema>;
export type ScriptedReply = v.InferOutput<typeof ScriptedReplySchema>;
export type ScriptedBlock = ScriptedReply['content'][number];

export function parseScriptedReply(input: unknown): ScriptedReply {
  const result = v.safeParse(ScriptedReplySchema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
  throw new Error(`bad scripted reply${path ? ` at ${path}` : ''}: ${issue.message}`);
}

export class ReplyScript {
  private readonly queue: { reply: ScriptedReply; remaining: number }[] = [];

  add(reply: ScriptedReply): void {
    this.queue.push({ reply, remaining: reply.times });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The scripted content for a request offering `toolNames`, or undefined for the fake's own reply. */
  take(toolNames: ReadonlySet<string>): ScriptedBlock[] | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    const offered = head.reply.content.every((block) => block.type !== 'tool_use' || toolNames.has(block.name));
    if (!offered) return undefined;
    if (--head.remaining <= 0) this.queue.shift();
    return head.reply.content;
  }
}
