import * as v from 'valibot';
import { parseJsonOrThrow } from '../validation.js';

const text = (what: string) =>
  v.pipe(
    v.string(`must be a string (${what})`),
    v.nonEmpty('must not be empty'),
    v.check((value) => value.trim() !== '', 'must not be blank'),
  );
const ContextFileSchema = v.strictObject({ path: text('the file path'), text: v.string('must be a string (the file text)') });

/** `tally chat --script FILE`: a conversation to run turn by turn. */
export const ChatScriptSchema = v.strictObject({
  system: v.optional(v.string('must be a string'), ''),
  context: v.optional(v.array(ContextFileSchema, 'must be a list of {"path","text"}'), []),
  turns: v.pipe(
    v.array(
      v.strictObject({
        user: text('the question'),
        /** auto, a tier (haiku, sonnet, opus) or a model id. */
        model: v.optional(text('auto, a tier or a model id'), 'auto'),
        /** Think time before this turn, seconds. */
        pauseSeconds: v.optional(v.pipe(v.number('must be a number of seconds'), v.minValue(0, 'must not be negative')), 0),
        context: v.optional(v.array(ContextFileSchema, 'must be a list of {"path","text"}'), []),
      }),
      'must be a list of turns',
    ),
    v.minLength(1, 'must have at least one turn'),
  ),
});

export type ChatScript = v.InferOutput<typeof ChatScriptSchema>;
export type ChatScriptTurn = ChatScript['turns'][number];

export function parseChatScript(json: string, fileName: string): ChatScript {
  return parseJsonOrThrow(ChatScriptSchema, json, fileName);
}
