import type * as vscode from 'vscode';
import { isRoutedTier, nextTier } from '../../core/tiers.js';

/** What an @tally reply remembers for the next turn (its answer, without the cost line) and for its follow-up. */
export interface TallyChatMetadata {
  prompt: string;
  answer: string;
  /** The tier that answered; null when nothing was sent. */
  tier: string | null;
}

/** "Retry on <next tier>" under an answer: the same prompt with that tier's command. Small, so activation can set it. */
export const tallyFollowups: vscode.ChatFollowupProvider = {
  provideFollowups(result) {
    const metadata = result.metadata as TallyChatMetadata | undefined;
    if (!metadata?.tier || !isRoutedTier(metadata.tier)) return [];
    const higher = nextTier(metadata.tier);
    return higher ? [{ prompt: metadata.prompt, command: higher, label: `Retry on ${higher}` }] : [];
  },
};
