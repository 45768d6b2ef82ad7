// A second extension, as any other would use Tally's models: select them by vendor, count tokens,
// send a request, and run a tool round trip (the model calls a tool, the tool's result goes back).
// It writes what it got to lm-client-result.json in the workspace for the e2e test to read.
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

async function collect(response) {
  const parts = [];
  for await (const part of response.stream) parts.push(part);
  return parts;
}

async function askTally() {
  const out = path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'lm-client-result.json');
  const result = {};
  const token = new vscode.CancellationTokenSource().token;
  try {
    const models = await vscode.lm.selectChatModels({ vendor: 'tally' });
    result.models = models.map((model) => ({ id: model.id, name: model.name, vendor: model.vendor }));
    const auto = models.find((model) => model.id === 'tally-auto');
    result.count = await auto.countTokens('Count the tokens of this short sentence, please.');
    const answer = await auto.sendRequest([vscode.LanguageModelChatMessage.User('Say hello [[reply:Hello from Tally Auto]]')], {}, token);
    result.answer = (await collect(answer)).map((part) => part.value ?? '').join('');

    const haiku = models.find((model) => model.id === 'tally-haiku');
    const tools = [
      {
        name: 'read_file',
        description: 'Reads a file of the workspace',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
      },
    ];
    const history = [vscode.LanguageModelChatMessage.User('What is in src/a.ts?')];
    const first = await collect(await haiku.sendRequest(history, { tools }, token));
    const calls = first.filter((part) => part instanceof vscode.LanguageModelToolCallPart);
    result.toolCalls = calls.map((call) => ({ callId: call.callId, name: call.name, input: call.input }));
    history.push(vscode.LanguageModelChatMessage.Assistant(calls));
    history.push(
      vscode.LanguageModelChatMessage.User(
        calls.map((call) => new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart('export const a = 1;')])),
      ),
    );
    const second = await collect(await haiku.sendRequest(history, { tools }, token));
    result.afterTool = second.map((part) => part.value ?? '').join('');
  } catch (error) {
    result.error = String((error && error.stack) || error);
  }
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
}

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('tallyE2e.askTally', askTally));
};
exports.deactivate = () => undefined;
