import type { HostMessage } from '../../protocol/chat.js';

// Pure: where the one chat session's messages go. The chat can show in an editor tab (chatPanel.ts)
// and in the Tally side bar (views/chatView.ts) at once; both show the same conversation.

export interface ChatOutlet {
  post(message: HostMessage): void;
}

/**
 * Every outlet gets the conversation (turns, deltas, history, notices, budget dialogs). What belongs
 * to one composer goes only to the outlet the user is using: the figures for its draft (each
 * webview numbers its own drafts) and a draft handed to it (a selection sent to the chat, the text
 * of a send that was refused).
 */
export class ChatOutlets {
  private readonly outlets = new Set<ChatOutlet>();
  private active: ChatOutlet | undefined;

  add(outlet: ChatOutlet): void {
    this.outlets.add(outlet);
  }

  /** Removes an outlet; returns how many are left (with none, nobody can answer a budget dialog). */
  remove(outlet: ChatOutlet): number {
    this.outlets.delete(outlet);
    if (this.active === outlet) this.active = undefined;
    return this.outlets.size;
  }

  /** The outlet the user typed in, sent from or opened last. */
  use(outlet: ChatOutlet): void {
    if (this.outlets.has(outlet)) this.active = outlet;
  }

  post(message: HostMessage): void {
    const own = message.type === 'estimates' || message.type === 'setDraft';
    if (own && this.active) {
      this.active.post(message);
      return;
    }
    for (const outlet of this.outlets) outlet.post(message);
  }
}
