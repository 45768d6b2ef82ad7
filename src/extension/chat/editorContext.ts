import * as vscode from 'vscode';
import type { AttachmentSource } from './chatSession.js';

// Where chat attachments come from. Clicking into the chat takes focus from the editor (VS Code then
// reports no active text editor), so the editor the user last worked in is remembered; with none,
// "Attach file" offers every workspace file, and `#file:path` in the prompt attaches that file.

const MAX_PICKABLE_FILES = 5_000;
const EXCLUDED = '**/{node_modules,.git,dist,out,build,.next,coverage}/**';

export class EditorContext implements vscode.Disposable {
  private last: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (editor && isWorkFile(editor.document)) this.last = editor;
  });

  dispose(): void {
    this.subscription.dispose();
  }

  /** The editor in focus, else the one last focused while it is still open, else a visible one. */
  editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && isWorkFile(active.document)) return active;
    if (this.last && !this.last.document.isClosed) {
      // The same document's editor object may have been replaced (the tab moved); prefer the visible one.
      return vscode.window.visibleTextEditors.find((e) => e.document === this.last!.document) ?? this.last;
    }
    return vscode.window.visibleTextEditors.find((e) => isWorkFile(e.document));
  }

  async read(kind: 'file' | 'selection'): Promise<AttachmentSource | string> {
    const editor = this.editor();
    if (kind === 'selection') {
      if (!editor) return 'Select some text in an editor first: the selection is attached from the editor you last used.';
      const selection = editor.selection;
      const text = editor.document.getText(selection);
      if (selection.isEmpty || text.trim() === '') return 'Select some text in the editor first, or attach the whole file.';
      const relative = vscode.workspace.asRelativePath(editor.document.uri);
      const lines = `${selection.start.line + 1}-${selection.end.line + 1}`;
      return { path: `${relative}:${lines}`, label: `${relative}:${lines}`, kind, text };
    }
    const uri = await this.pickFile(editor?.document.uri);
    if (!uri) return '';
    return readFileAttachment(uri);
  }

  /** A quick pick of the workspace's files, the current editor's first; undefined when dismissed. */
  private async pickFile(current: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    const files = await vscode.workspace.findFiles('**/*', EXCLUDED, MAX_PICKABLE_FILES);
    const items = files
      .filter((uri) => uri.toString() !== current?.toString())
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
      .sort((a, b) => a.label.localeCompare(b.label));
    const first = current ? [{ label: vscode.workspace.asRelativePath(current), description: 'current file', uri: current }] : [];
    const picked = await vscode.window.showQuickPick([...first, ...items], {
      title: 'Tally: Attach File',
      placeHolder: 'File to send as context (its cost shows before sending)',
      matchOnDescription: true,
    });
    return picked?.uri;
  }
}

/** A workspace file by the path written after `#file:`; a string says why it cannot be attached. */
export async function readMentionedFile(relativePath: string): Promise<AttachmentSource | string> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return `#file:${relativePath}: open a folder first; mentions are paths inside it.`;
  return readFileAttachment(vscode.Uri.joinPath(folder.uri, relativePath));
}

async function readFileAttachment(uri: vscode.Uri): Promise<AttachmentSource | string> {
  const relative = vscode.workspace.asRelativePath(uri);
  let text: string;
  try {
    // An open document's text includes unsaved edits, which is what the user sees.
    const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
    text = open ? open.getText() : new TextDecoder('utf-8', { fatal: true }).decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    return error instanceof TypeError
      ? `${relative} is not UTF-8 text: nothing attached.`
      : `${relative} could not be read: ${(error as Error).message}`;
  }
  if (text.trim() === '') return `${relative} is empty: nothing to attach.`;
  return { path: relative, label: relative, kind: 'file', text };
}

/** Files and untitled buffers, not the output panel or settings editors VS Code also reports as text editors. */
function isWorkFile(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' || document.uri.scheme === 'untitled' || document.uri.scheme === 'vscode-remote';
}
