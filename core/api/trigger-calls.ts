/** Calls of the trigger, reaction and learning area (filled in by that feature). */
export const triggerCalls = {} as const;
