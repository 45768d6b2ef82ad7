// Claude Code log quirks and how `tally import claude-code` counts them, case by case. The expected
// tokens are what ccusage 20.0.24 counts for the same files, where its two loaders agree (`ccusage:
// 'both'`); where they do not, the one Tally follows is named; the few deliberate differences say why.
// test/unit/import-quirks.test.ts checks Tally against this table; test/clients/ccusage-quirks.test.ts
// checks the table against the real ccusage when it is installed.
import { assistantLine, DAY, LAST_PROMPT_LINE } from './importFixtures.js';

export interface Tokens {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface QuirkCase {
  name: string;
  /** projects/<path> → lines. */
  files: Record<string, string[]>;
  expected: Tokens;
  /** Which ccusage report counts the same: both, only `daily`, only `session`, or none (a deliberate difference). */
  ccusage: 'both' | 'daily' | 'session' | 'none';
}

/** The fixture line's tokens: input 3, cache write 1000, cache read 500, output 20. */
const one: Tokens = { input: 3, output: 20, cacheWrite: 1000, cacheRead: 500 };
const times = (n: number, tokens: Tokens = one): Tokens => ({
  input: tokens.input * n,
  output: tokens.output * n,
  cacheWrite: tokens.cacheWrite * n,
  cacheRead: tokens.cacheRead * n,
});
const none: Tokens = times(0);
const SESSION = '-work-alpha/s-1.jsonl';
const SUBAGENT = '-work-alpha/s-1/subagents/agent-a1.jsonl';
const later = `${DAY}T10:05:00.000Z`;

export const QUIRKS: QuirkCase[] = [
  {
    name: 'one response logged on two lines, output growing: the line with most tokens counts',
    files: { [SESSION]: [assistantLine({ output: 10 }), assistantLine({ output: 30 }), LAST_PROMPT_LINE] },
    expected: { ...one, output: 30 },
    ccusage: 'both',
  },
  {
    name: 'one response on two lines, the later one smaller: still the larger',
    files: { [SESSION]: [assistantLine({ output: 30 }), assistantLine({ output: 10 }), LAST_PROMPT_LINE] },
    expected: { ...one, output: 30 },
    ccusage: 'both',
  },
  {
    name: 'a response copied into a forked session’s transcript: counted once',
    files: {
      [SESSION]: [assistantLine(), LAST_PROMPT_LINE],
      '-work-alpha/s-2.jsonl': [assistantLine({ sessionId: 's-2' }), LAST_PROMPT_LINE],
    },
    expected: one,
    ccusage: 'both',
  },
  {
    name: 'the same message id under two request ids: two requests',
    files: { [SESSION]: [assistantLine({ requestId: 'req_01' }), assistantLine({ requestId: 'req_02' }), LAST_PROMPT_LINE] },
    expected: times(2),
    ccusage: 'both',
  },
  {
    name: 'a subagent’s sidechain replays a parent message under its own request id: not a request',
    files: {
      [SESSION]: [assistantLine({ requestId: 'req_01' }), LAST_PROMPT_LINE],
      [SUBAGENT]: [assistantLine({ requestId: 'req_02', isSidechain: true, timestamp: later }), LAST_PROMPT_LINE],
    },
    expected: one,
    ccusage: 'daily',
  },
  {
    name: 'a sidechain replay at the same timestamp: not a request',
    files: {
      [SESSION]: [assistantLine({ requestId: 'req_01' }), LAST_PROMPT_LINE],
      [SUBAGENT]: [assistantLine({ requestId: 'req_02', isSidechain: true }), LAST_PROMPT_LINE],
    },
    expected: one,
    ccusage: 'both',
  },
  {
    name: 'a sidechain and a main line of the same response: the main line counts even with fewer tokens',
    files: {
      [SESSION]: [assistantLine({ output: 10 }), LAST_PROMPT_LINE],
      [SUBAGENT]: [assistantLine({ output: 30, isSidechain: true }), LAST_PROMPT_LINE],
    },
    expected: { ...one, output: 10 },
    ccusage: 'both',
  },
  {
    name: 'a subagent’s own responses count',
    files: {
      [SESSION]: [assistantLine(), LAST_PROMPT_LINE],
      [SUBAGENT]: [assistantLine({ messageId: 'msg_02', requestId: 'req_02', isSidechain: true }), LAST_PROMPT_LINE],
    },
    expected: times(2),
    ccusage: 'both',
  },
  {
    name: 'no request id, an Anthropic msg_ id on two lines with their own timestamps: one response',
    files: { [SESSION]: [assistantLine({ requestId: null }), assistantLine({ requestId: null, timestamp: later }), LAST_PROMPT_LINE] },
    expected: one,
    ccusage: 'session',
  },
  {
    name: 'no request id, a gateway’s own message id, two timestamps: two responses',
    files: {
      [SESSION]: [
        assistantLine({ requestId: null, messageId: 'gw-1' }),
        assistantLine({ requestId: null, messageId: 'gw-1', timestamp: later }),
        LAST_PROMPT_LINE,
      ],
    },
    expected: times(2),
    ccusage: 'daily',
  },
  {
    name: 'no request id, a gateway’s own message id twice at one timestamp: one response',
    files: {
      [SESSION]: [
        assistantLine({ requestId: null, messageId: 'gw-1' }),
        assistantLine({ requestId: null, messageId: 'gw-1' }),
        LAST_PROMPT_LINE,
      ],
    },
    expected: one,
    ccusage: 'both',
  },
  {
    name: 'cache writes split by TTL: the split is what counts',
    files: {
      [SESSION]: [
        assistantLine({ cacheWrite: 1000, split: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 200 } }),
        LAST_PROMPT_LINE,
      ],
    },
    expected: { ...one, cacheWrite: 500 },
    ccusage: 'both',
  },
  {
    name: 'lines that do not count: bad version, empty request id, null field, fractional or missing tokens, bad timestamp',
    files: {
      [SESSION]: [
        assistantLine({ messageId: 'msg_a', version: '2.1' }),
        assistantLine({ messageId: 'msg_b', requestId: '' }),
        assistantLine({ messageId: 'msg_c' }).replace('"sessionId":"s-1"', '"sessionId":null'),
        assistantLine({ messageId: 'msg_d' }).replace('"output_tokens":20', '"output_tokens":20.5'),
        assistantLine({ messageId: 'msg_e' }).replace('"output_tokens":20,', ''),
        assistantLine({ messageId: 'msg_f' }).replace('"cache_read_input_tokens":500', '"cache_read_input_tokens":null'),
        assistantLine({ messageId: 'msg_g', timestamp: 'yesterday' }),
        assistantLine({ messageId: 'msg_h' }).replace('"output_tokens":20', '"output_tokens":"20"'),
        '{"not json',
        assistantLine({ messageId: 'msg_ok' }),
        LAST_PROMPT_LINE,
      ],
    },
    expected: one,
    ccusage: 'both',
  },
  {
    name: 'Claude Code’s <synthetic> stand-in for an API error: nothing billed',
    files: { [SESSION]: [assistantLine({ model: '<synthetic>', input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }), LAST_PROMPT_LINE] },
    expected: none,
    ccusage: 'both',
  },
  {
    name: 'a subagent progress line of older Claude Code versions counts like a direct one',
    files: {
      [SESSION]: [
        JSON.stringify({
          type: 'progress',
          sessionId: 's-1',
          cwd: '/work/alpha',
          timestamp: `${DAY}T10:00:00.000Z`,
          data: {
            message: {
              type: 'assistant',
              timestamp: `${DAY}T10:00:00.000Z`,
              requestId: 'req_p',
              message: JSON.parse(assistantLine()).message,
            },
          },
        }),
        LAST_PROMPT_LINE,
      ],
    },
    expected: one,
    ccusage: 'daily',
  },
  {
    name: 'a field named like an id set to null inside the message content: Tally counts the response (ccusage drops the line)',
    files: { [SESSION]: [assistantLine({ content: [{ type: 'tool_use', id: 't1', name: 'X', input: { id: null } }] }), LAST_PROMPT_LINE] },
    expected: one,
    ccusage: 'none',
  },
  {
    name: 'usage lines without a message id: not recorded (no way to recognise them again; ccusage counts each)',
    files: { [SESSION]: [assistantLine({ messageId: null }), assistantLine({ messageId: null }), LAST_PROMPT_LINE] },
    expected: none,
    ccusage: 'none',
  },
];
