/** The message a person has typed in a conversation but not sent yet. */
export interface Draft {
  /** The conversation it belongs to, saved or still a new, unsaved chat. */
  conversationId: string;
  text: string;
  updatedAt: number;
}
