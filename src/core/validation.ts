import * as v from 'valibot';
import { InputError } from './errors.js';

/**
 * Parses `input` with `schema`, or throws one InputError that names the source, the entry and
 * the field: `prices.json: models[2] (claude-x) rates[0].input: must be a number`.
 */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, sourceName: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new InputError(`${sourceName}: ${describeIssuePath(issue.path ?? [])}: ${issue.message}`);
}

/** Parses a JSON file's text and validates it with `schema`; both kinds of error name the file. */
export function parseJsonOrThrow<S extends v.GenericSchema>(schema: S, json: string, sourceName: string): v.InferOutput<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new InputError(`${sourceName}: not valid JSON (${(error as Error).message})`);
  }
  return parseOrThrow(schema, raw, sourceName);
}

function describeIssuePath(path: readonly v.IssuePathItem[]): string {
  if (path.length === 0) return '(top level)';
  let text = '';
  for (const item of path) {
    if (item.type === 'array') {
      text += `[${String(item.key)}]`;
      const id = idOf(item.value);
      if (id) text += ` (${id})`;
    } else {
      text += text === '' ? String(item.key) : `.${String(item.key)}`;
    }
  }
  return text;
}

/** Names the entry a user wrote (its `id` or `name`), so an error points at it without counting. */
function idOf(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const record = entry as Record<string, unknown>;
  const id = record['id'] ?? record['name'];
  return typeof id === 'string' ? id : undefined;
}
