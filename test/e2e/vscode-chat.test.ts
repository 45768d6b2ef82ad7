// Issue 11, part A, in a real VS Code: Tally inside VS Code's own Chat, without Copilot. "Tally Auto"
// is in the Chat view's model picker at startup; `@tally` answers through the fake API with its cost
// under the reply and one ledger entry (source vscode-chat); a second extension uses Tally's models
// through vscode.lm (answer, token count, and a tool call round trip).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeControl, messagesRequests, REPO_ROOT, VsCodeSession, waitUntil } from './harness';
import { activated, dollars, journey } from './steps';

interface Entry {
  source: string;
  model: string;
  usd: number;
  status: string;
  routedReasons: string[];
  conversationId: string;
}

function ledgerEntries(vs: VsCodeSession): Entry[] {
  if (!existsSync(vs.ledgerDir)) return [];
  return readdirSync(vs.ledgerDir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(vs.ledgerDir, name), 'utf8').trim().split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Entry);
}

/** test/e2e/lm-client packaged as a .vsix (vsce, as Tally itself is). */
function packageLmClient(outDir: string): string {
  const out = join(outDir, 'lm-client.vsix');
  const vsce = join(REPO_ROOT, 'node_modules/.bin/vsce');
  const packed = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: join(REPO_ROOT, 'test/e2e/lm-client'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (packed.status !== 0) throw new Error(`vsce package of test/e2e/lm-client failed:\n${packed.stdout}${packed.stderr}`);
  return out;
}

describe("Tally in VS Code's own Chat", { timeout: 12 * 60_000 }, () => {
  let vs: VsCodeSession | undefined;
  let scratch = '';

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tally-e2e-lm-client-'));
    vs = await VsCodeSession.start({
      name: 'vscode-chat',
      theme: 'dark',
      // The harness turns VS Code's AI features off for the other journeys; this one is about them.
      settings: { 'chat.disableAIFeatures': false },
      extraVsix: [packageLmClient(scratch)],
    });
    console.log(`start-up seconds: ${JSON.stringify(vs.timings)}`);
  });
  after(async () => {
    await vs?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('"Tally Auto" and the tiers are in the Chat view\'s model picker at startup', () =>
    journey(vs, 'vscode-chat-models', async (vs) => {
      await activated(vs);
      await vs.runCommand('Chat: Open Chat (Ask)');
      const picker = vs.page.locator('[aria-label^="Models, "]').first();
      await waitUntil(
        'the model picker to show Tally Auto',
        async () => (await picker.getAttribute('aria-label')) === 'Models, Tally Auto',
        60_000,
      );
      await picker.click();
      const list = vs.page.locator('.monaco-list-row, [role="menuitem"], [role="option"], [role="treeitem"]');
      const listed = async () => (await list.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
      await waitUntil(
        'the model list to show Tally Auto',
        async () => (await listed()).some((text) => text.startsWith('Tally Auto')),
        20_000,
      );
      // The tiers are listed under "Other Models" (collapsed at first).
      const others = list.filter({ hasText: 'Other Models' }).first();
      if (await others.isVisible().catch(() => false)) await others.click();
      const names = await waitUntil(
        'every Tally model in the list',
        async () => {
          const texts = await listed();
          return ['Tally Auto', 'Tally Haiku', 'Tally Sonnet', 'Tally Opus'].every((name) => texts.some((text) => text.startsWith(name)))
            ? texts
            : undefined;
        },
        20_000,
      );
      console.log(`model picker: ${names.join(' | ')}`);
      await vs.screenshot('vscode-chat-picker');
      await vs.page.keyboard.press('Escape');
    }));

  test('@tally answers through the fake API, shows its cost, and leaves exactly one vscode-chat ledger entry', () =>
    journey(vs, 'vscode-chat-answer', async (vs) => {
      const before = ledgerEntries(vs).length;
      const sentBefore = (await messagesRequests(vs.fake)).length;
      const input = vs.page.locator('.interactive-input-part .monaco-editor').first();
      await input.waitFor({ state: 'visible', timeout: 20_000 });
      await input.click();
      await vs.page.keyboard.type('@tally Explain what a JavaScript closure is in two sentences', { delay: 10 });
      await vs.page.keyboard.press('Enter');
      const response = vs.page.locator('.interactive-response').last();
      const footer = await waitUntil(
        'the @tally answer with its cost',
        async () => {
          const text = await response.innerText().catch(() => '');
          return /Tally: .*\$\d/.test(text) ? text : undefined;
        },
        90_000,
      );
      console.log(`@tally reply: ${footer.replace(/\s+/g, ' ').slice(-300)}`);
      assert.ok(dollars(footer.slice(footer.indexOf('Tally:'))) > 0, 'a cost above zero under the reply');
      assert.match(footer, /\b(haiku|sonnet|opus)\b/, 'the tier it answered on');
      await waitUntil('the ledger entry', () => ledgerEntries(vs).length > before, 15_000);
      const added = ledgerEntries(vs).slice(before);
      assert.equal(added.length, 1, `exactly one ledger entry: ${JSON.stringify(added)}`);
      assert.equal(added[0]!.source, 'vscode-chat');
      assert.equal(added[0]!.status, 'ok');
      assert.equal((await messagesRequests(vs.fake)).length, sentBefore + 1, 'one request reached the API');
      await vs.screenshot('vscode-chat');
    }));

  test('the follow-up under the answer retries the same prompt on the next tier up', () =>
    journey(vs, 'vscode-chat-retry', async (vs) => {
      const before = ledgerEntries(vs).length;
      const retry = vs.page
        .locator('.interactive-session .chat-followup, .interactive-session [class*="followup"] a, .interactive-session .monaco-button')
        .filter({ hasText: /^Retry on (sonnet|opus)$/ })
        .first();
      await retry.waitFor({ state: 'visible', timeout: 20_000 });
      const label = (await retry.innerText()).trim();
      const tier = label.replace('Retry on ', '');
      await retry.click();
      const response = vs.page.locator('.interactive-response').last();
      const text = await waitUntil(
        `an answer on ${tier}`,
        async () => {
          const shown = await response.innerText().catch(() => '');
          return new RegExp(`Tally: ${tier} `).test(shown) ? shown : undefined;
        },
        90_000,
      );
      console.log(`retry: ${text.replace(/\s+/g, ' ').slice(-160)}`);
      await waitUntil('the retry ledger entry', () => ledgerEntries(vs).length > before, 15_000);
      const added = ledgerEntries(vs).slice(before);
      assert.equal(added.length, 1);
      assert.equal(added[0]!.source, 'vscode-chat');
      assert.ok(added[0]!.model.includes(tier), `answered on the ${tier} model: ${added[0]!.model}`);
      assert.equal(added[0]!.conversationId, ledgerEntries(vs)[before - 1]!.conversationId, 'recorded as the same conversation');
    }));

  test('/cost prices the prompt on every tier without sending; /spend shows VS Code Chat among the clients', () =>
    journey(vs, 'vscode-chat-commands', async (vs) => {
      const sentBefore = (await messagesRequests(vs.fake)).length;
      const entriesBefore = ledgerEntries(vs).length;
      const ask = async (text: string, expect: RegExp) => {
        const input = vs.page.locator('.interactive-input-part .monaco-editor').first();
        await input.click();
        await vs.page.keyboard.press('Control+A');
        await vs.page.keyboard.press('Backspace');
        await vs.page.keyboard.type(text, { delay: 10 });
        await vs.page.keyboard.press('Enter');
        const response = vs.page.locator('.interactive-response').last();
        return waitUntil(
          `the reply to ${text}`,
          async () => {
            const shown = await response.innerText().catch(() => '');
            return expect.test(shown) ? shown : undefined;
          },
          60_000,
        );
      };
      const cost = await ask('@tally /cost Refactor the parser to report line numbers', /Nothing was sent[\s\S]*opus/);
      for (const tier of ['haiku', 'sonnet', 'opus']) assert.match(cost, new RegExp(tier));
      assert.match(cost, /router's pick/);
      const spend = await ask('@tally /spend for this workspace', /this month/);
      assert.match(spend, /VS Code Chat/);
      assert.equal((await messagesRequests(vs.fake)).length, sentBefore, 'neither command sent a request');
      assert.equal(ledgerEntries(vs).length, entriesBefore, 'nor recorded one');
    }));

  test('another extension uses Tally through vscode.lm: an answer, a token count, and a tool call round trip', () =>
    journey(vs, 'vscode-chat-lm-client', async (vs) => {
      const before = ledgerEntries(vs).length;
      await fakeControl(vs.fake, '/_fake/reply', { content: [{ type: 'tool_use', name: 'read_file', input: { path: 'src/a.ts' } }] });
      const resultFile = join(vs.tempDir, 'workspace', 'lm-client-result.json');
      await vs.runCommand('Tally E2E: Ask Tally through vscode.lm');
      // VS Code asks the user before one extension may use another's language models.
      const allow = vs.page
        .locator('.monaco-dialog-box .monaco-button')
        .filter({ hasText: /^Allow/ })
        .first();
      const result = await waitUntil(
        'lm-client-result.json',
        async () => {
          if (await allow.isVisible().catch(() => false)) await allow.click();
          return existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>) : undefined;
        },
        90_000,
      );
      console.log(`lm client: ${JSON.stringify(result)}`);
      assert.equal(result['error'], undefined, String(result['error']));
      const models = (result['models'] as Array<{ id: string; name: string }>).map((model) => model.name);
      assert.deepEqual(models.sort(), ['Tally Auto', 'Tally Haiku', 'Tally Opus', 'Tally Sonnet']);
      assert.equal(result['answer'], 'Hello from Tally Auto');
      assert.ok(
        typeof result['count'] === 'number' && result['count'] > 5 && result['count'] < 30,
        `a plausible count: ${result['count']}`,
      );
      const calls = result['toolCalls'] as Array<{ name: string; input: unknown }>;
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.name, 'read_file');
      assert.deepEqual(calls[0]!.input, { path: 'src/a.ts' });
      assert.ok(String(result['afterTool']).length > 0, 'the model answered after the tool result');

      const sent = (await messagesRequests(vs.fake)).slice(-2) as Array<{
        body: { messages: Array<{ content: Array<{ type: string }> }> };
      }>;
      const last = sent[1]!.body.messages.at(-1)!;
      assert.equal(last.content[0]!.type, 'tool_result', 'the tool result went back as tool_result');
      const added = ledgerEntries(vs).slice(before);
      assert.equal(added.length, 3, 'one entry per request: the answer and both tool turns');
      assert.ok(added.every((entry) => entry.source === 'vscode-chat'));
    }));
});
