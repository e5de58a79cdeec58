// Stopping criteria as small callables over the tokens generated so far.

export type StopCriterion = (generated: readonly number[]) => boolean;

export const stopAtToken = (id: number): StopCriterion => (g) => g.length > 0 && g[g.length - 1] === id;

export const stopAtLength = (max: number): StopCriterion => (g) => g.length >= max;

export const anyOf = (...criteria: StopCriterion[]): StopCriterion => (g) => criteria.some((c) => c(g));
