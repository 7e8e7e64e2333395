import { ScorecardDefinition } from '@convergence/backstage-plugin-scorecards-common';

/**
 * A summary's entities per level, highest level of the scorecard first, then
 * levels the scorecard no longer names, then those below the first level
 * (`level: null`); levels with no entities are left out.
 */
export function levelCounts(
  counts: Record<string, number>,
  scorecard?: ScorecardDefinition,
): Array<{ level: string | null; count: number }> {
  const ranked = (scorecard?.levels ?? []).map(l => l.name).reverse();
  const others = Object.keys(counts).filter(
    name => name !== 'none' && !ranked.includes(name),
  );
  return [
    ...[...ranked, ...others].map(level => ({ level, count: counts[level] })),
    { level: null, count: counts.none },
  ].filter(({ count }) => count > 0);
}

/** "1 Gold · 2 Bronze · 1 no level". */
export const levelCountsText = (
  counts: Record<string, number>,
  scorecard?: ScorecardDefinition,
) =>
  levelCounts(counts, scorecard)
    .map(({ level, count }) => `${count} ${level ?? 'no level'}`)
    .join(' · ');
