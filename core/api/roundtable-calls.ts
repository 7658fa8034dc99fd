/** Calls of the roundtable, memory, relationship, initiative and chat area (filled in by that feature). */
export const roundtableCalls = {} as const;
