/**
 * What a study's search space text declares per param (its bounds, or that it is a choice), in the notation Optuna's tags become
 * (`lr: log[1e-05, 0.1] · layers: int[1, 4] · x: [0.0, 1.0] step 0.1`, see `protocol/optuna-tags.ts`)
 * and the one producers write by hand (`depth: 2..8`, `batch: {64, 128}`).
 */

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
const BRACKETED = new RegExp(
  String.raw`([^\s:·×,]+)\s*:\s*(?:int\s*)?(?:log\s*)?\[\s*(${NUMBER})\s*,\s*(${NUMBER})\s*\]`,
  'gi',
);
const RANGE = new RegExp(String.raw`([^\s:·×,]+)\s*:\s*(${NUMBER})\s*\.\.\s*(${NUMBER})`, 'gi');

/** `[low, high]` per param name, for the ranges that parse to finite numbers with low ≤ high. */
export function declaredBounds(searchSpace: string | undefined): Map<string, readonly [number, number]> {
  const bounds = new Map<string, readonly [number, number]>();
  if (!searchSpace) return bounds;
  for (const pattern of [BRACKETED, RANGE])
    for (const [, name, lowText, highText] of searchSpace.matchAll(pattern)) {
      const low = Number(lowText);
      const high = Number(highText);
      if (Number.isFinite(low) && Number.isFinite(high) && low <= high) bounds.set(name, [low, high]);
    }
  return bounds;
}

const CHOICE = /([^\s:·×,]+)\s*:\s*\{/g;

/** The params declared as a choice among values (`opt: {adam, sgd}`), numbers or not. */
export function declaredChoices(searchSpace: string | undefined): Set<string> {
  const names = new Set<string>();
  if (searchSpace) for (const [, name] of searchSpace.matchAll(CHOICE)) names.add(name);
  return names;
}
