// The earlier conversation the demo's chat history starts with, and the ledger entries its turns left
// (one per answered turn, as a real conversation would), all marked as sample data.
import { buildLedgerEntry, type LedgerEntry } from '../../src/core/ledger/entry.js';
import { resolveModel, type PriceTable } from '../../src/core/prices/priceTable.js';
import { estimateTextTokens } from '../../src/core/tokens/estimator.js';
import type { StoredConversation } from '../../src/extension/chat/conversationStore.js';

const MINUTE_MS = 60_000;

const QUESTION_1 = 'Where can a percent discount leave a fraction of a cent in this project?';
const ANSWER_1 = `In \`discountAmount\` (src/discounts.ts): \`(subtotal * discount.percent) / 100\` is not rounded, so a
15% discount on 3,333 cents is 499.95 cents. \`summarize\` then subtracts it and rounds only the tax, which
means the total carries the fraction:

- subtotal 3,333 − discount 499.95 = 2,833.05
- the receipt formats 2,833.05 cents as **$28.33**, while a payment provider that rounds half up charges **$28.34**.

Round the discount once, where it is computed, and keep everything after it in whole cents.`;

const QUESTION_2 = 'Which rounding rule should the discount use, and what is the smallest change?';
const ANSWER_2 = `Round the discount **down** to the cent (\`Math.floor\`): the customer never gets less off than the
receipt says, and the shop gives away at most one cent per order. The change is one line in
\`src/discounts.ts\`:

\`\`\`ts
const off = discount.kind === 'percent' ? Math.floor((subtotal * discount.percent) / 100) : discount.amount;
\`\`\`

Everything downstream (\`tax\`, \`total\`) then works on whole cents, and the receipt and the charge agree.`;

export interface SampleConversation {
  conversation: StoredConversation;
  entries: LedgerEntry[];
}

/** A two-turn conversation about the sample workspace's discounts file (`discounts`: its path and text), held 26 hours ago. */
export function sampleConversation(
  table: PriceTable,
  nowMs: number,
  workspace: { path: string; name: string },
  discounts: { path: string; text: string },
): SampleConversation {
  const attached = { label: 'discounts.ts', tokens: estimateTextTokens(discounts.text, 'v5') };
  const id = 'demo-discount-rounding';
  const startedAt = nowMs - 26 * 60 * MINUTE_MS;
  const turns = [
    { question: QUESTION_1, answer: ANSWER_1, tier: 'haiku' as const, reasons: ['a question about code you attached: Haiku is enough'] },
    {
      question: QUESTION_2,
      answer: ANSWER_2,
      tier: 'sonnet' as const,
      reasons: ['asks for a change to code: Sonnet writes code reliably', 'the attached file is cached from the last turn'],
    },
  ];
  const entries: LedgerEntry[] = [];
  const stored = turns.map((turn, index) => {
    const model = resolveModel(table, table.tierDefaults[turn.tier]);
    const at = startedAt + index * 4 * MINUTE_MS;
    const usage =
      index === 0
        ? { input_tokens: 412, cache_creation_input_tokens: 2_318, cache_read_input_tokens: 0, output_tokens: 236 }
        : { input_tokens: 291, cache_creation_input_tokens: 0, cache_read_input_tokens: 2_318, output_tokens: 188 };
    const entry = {
      ...buildLedgerEntry(table, {
        startedAt: at,
        workspace,
        source: 'chat',
        client: 'tally',
        conversationId: id,
        taskClass: index === 0 ? 'explain' : 'fix',
        model,
        defaultModel: resolveModel(table, table.tierDefaults.opus),
        routedReasons: turn.reasons,
        usage,
        status: 'ok',
        durationMs: 3_800 + index * 1_900,
      }),
      sample: true,
    };
    entries.push(entry);
    return {
      id: `${id}-${index + 1}`,
      user: turn.question,
      attachments: [attached],
      choice: 'auto' as const,
      answer: turn.answer,
      status: 'ok' as const,
      model: model.id,
      tier: turn.tier,
      reasons: turn.reasons,
      estimateUsd: entry.usd,
      usage: {
        inputTokens: usage.input_tokens,
        outputTokens: usage.output_tokens,
        cacheReadTokens: usage.cache_read_input_tokens,
        cacheWriteTokens: usage.cache_creation_input_tokens,
        usd: entry.usd,
        savedUsd: Math.max(0, entry.baselineUsd - entry.usd),
      },
      error: null,
      startedAt: new Date(at).toISOString(),
      supersedes: null,
      trimmed: null,
    };
  });
  const conversation: StoredConversation = {
    version: 1,
    id,
    title: 'Discount rounding (sample)',
    createdAt: new Date(startedAt).toISOString(),
    updatedAt: new Date(startedAt + 8 * MINUTE_MS).toISOString(),
    turns: stored,
    context: [{ path: discounts.path, text: discounts.text, label: attached.label, kind: 'file' }],
    summary: null,
  };
  return { conversation, entries };
}
