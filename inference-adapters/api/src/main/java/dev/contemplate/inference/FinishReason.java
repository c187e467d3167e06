package dev.contemplate.inference;

/** Why an engine stopped generating one sequence. */
public enum FinishReason {
    /** The model ended the text itself (end-of-sequence token or a stop sequence). */
    STOP,
    /** The request's token limit was reached. */
    LENGTH,
    /** The provider filtered the content. */
    CONTENT_FILTER,
    /** The provider reported another or no reason. */
    OTHER
}
