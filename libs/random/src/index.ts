export { Mulberry32, normalArray } from './lib/mulberry32';
export { Sfc32, permutation, type Sfc32State } from './lib/sfc32';
