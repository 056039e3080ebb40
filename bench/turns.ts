/**
 * Two sides take turns A–B–B–A, each its `total` in two rounds (the first rounded up): the
 * machine's speed drifts by tens of percent within a minute here, and one side after the other
 * measured that drift as much as the sides. In this order a steady drift weighs on both alike.
 * Empty rounds (a total of 1) are skipped.
 */
export async function inTurns<S extends string>(
  sides: readonly [S, S],
  total: number,
  round: (side: S, count: number, index: number) => Promise<void>,
): Promise<void> {
  for (const [index, side] of abba(sides).entries()) {
    const count = index < 2 ? Math.ceil(total / 2) : Math.floor(total / 2);
    if (count > 0) await round(side, count, index);
  }
}

/** How inTurns orders two sides, for a bench's output line. */
export function turnOrder(sides: readonly [string, string]): string {
  return abba(sides).join('-');
}

function abba<S>([a, b]: readonly [S, S]): S[] {
  return [a, b, b, a];
}
