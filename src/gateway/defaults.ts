/** The loop guard refuses the third identical tool call in a row unless configured otherwise. */
export const DEFAULT_LOOP_REPEATS = 3;
