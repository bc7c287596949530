/**
 * The stylegan2 lib's SeededRandom keeps its whole state in one private number and exposes no
 * accessor yet; resume bit-identity needs it, so it is read and written here, with a check that
 * fails loudly if that class ever changes shape.
 */
interface HasState {
  state: number;
}

function asStateful(rng: object, what: string): HasState {
  const s = (rng as Partial<HasState>).state;
  if (typeof s !== 'number') {
    throw new Error(
      `${what}: the stylegan2 SeededRandom has no numeric state; update libs/training/src/lib/sg2-state.ts`,
    );
  }
  return rng as HasState;
}

export function getSeededRandomState(rng: object): number {
  return asStateful(rng, 'checkpoint').state;
}

export function setSeededRandomState(rng: object, state: number): void {
  asStateful(rng, 'resume').state = state;
}
