import type * as tfType from '@tensorflow/tfjs';
import { initTf, resetTfRuntimeForTests } from './backend';
import { directionalCheck, makeRng, randomTensor } from './gradient-check';
import { ORT_CONV_KERNELS } from './ort-conv-graphs';
import {
  ortConvStats,
  registerOrtConvKernels,
  setOrtConvFaultForTests,
  unregisterOrtConvKernels,
} from './ort-conv-kernels';

type Tensor = tfType.Tensor;
type T4 = tfType.Tensor4D;

/**
 * First- and second-order gradient checks on the wasm backend (batch 2, float32), against 5-point
 * finite differences. Each op `op(x, θ)` is probed through L = ⟨w, op(x, θ)⟩ (first order, ∇ w.r.t.
 * x, θ) and the R1-style S = ‖∇ₓL‖² + ‖∇_θL‖² (second order, ∇ w.r.t. x, θ and w). Every check runs
 * twice: on the plain wasm kernels (and shims) and with the onnxruntime conv kernels registered.
 */

let tf: typeof tfType;
const TOL = 1e-3;

beforeAll(async () => {
  resetTfRuntimeForTests();
  tf = (await initTf({ backend: 'wasm', log: () => undefined })).tf;
});

interface OpCase {
  name: string;
  xShape: number[];
  thetaShape?: number[];
  /** Inputs whose entries must stay away from 0 (kinks). */
  awayFromZero?: boolean;
  eps?: number;
  op: (x: Tensor, theta: Tensor | undefined) => Tensor;
}

const conv = (stride: number, pad: 'same' | 'valid') => (x: Tensor, w?: Tensor) =>
  tf.conv2d(x as T4, w as T4, stride, pad);

const CASES: OpCase[] = [
  { name: 'conv2d 3×3 stride 1 same', xShape: [2, 6, 6, 3], thetaShape: [3, 3, 3, 4], op: conv(1, 'same') },
  { name: 'conv2d 3×3 stride 1 valid', xShape: [2, 6, 5, 3], thetaShape: [3, 3, 3, 4], op: conv(1, 'valid') },
  {
    name: 'conv2d 3×3 stride 2 same (odd size)',
    xShape: [2, 7, 7, 3],
    thetaShape: [3, 3, 3, 4],
    op: conv(2, 'same'),
  },
  { name: 'conv2d 3×3 stride 2 valid', xShape: [2, 8, 7, 2], thetaShape: [3, 3, 2, 3], op: conv(2, 'valid') },
  { name: 'conv2d 1×1', xShape: [2, 4, 4, 3], thetaShape: [1, 1, 3, 5], op: conv(1, 'same') },
  // Whole NCHWc blocks (16 and 32 channels): onnxruntime's blocked convs where the CPU has them.
  {
    name: 'conv2d 3×3 stride 1 same, 16→32 channels',
    xShape: [2, 5, 5, 16],
    thetaShape: [3, 3, 16, 32],
    op: conv(1, 'same'),
  },
  {
    name: 'conv2d 3×2 stride 2 valid, 32→16 channels',
    xShape: [2, 7, 6, 32],
    thetaShape: [3, 2, 32, 16],
    op: conv(2, 'valid'),
  },
  {
    name: 'conv2dTranspose 3×3 stride 2 same',
    xShape: [2, 4, 4, 4],
    thetaShape: [3, 3, 3, 4],
    op: (x, w) => tf.conv2dTranspose(x as T4, w as T4, [2, 8, 8, 3], 2, 'same'),
  },
  {
    name: 'conv2dTranspose 3×3 stride 2 valid, 16→16 channels (33² from 16² as in StyleGAN2)',
    xShape: [2, 3, 3, 16],
    thetaShape: [3, 3, 16, 16],
    op: (x, w) => tf.conv2dTranspose(x as T4, w as T4, [2, 7, 7, 16], 2, 'valid'),
  },
  {
    name: 'conv2dTranspose 3×3 stride 1 valid',
    xShape: [2, 4, 5, 2],
    thetaShape: [3, 3, 3, 2],
    op: (x, w) => tf.conv2dTranspose(x as T4, w as T4, [2, 6, 7, 3], 1, 'valid'),
  },
  { name: 'matMul', xShape: [2, 5], thetaShape: [5, 3], op: (x, w) => tf.matMul(x, w as Tensor) },
  {
    name: 'matMul transposeB, batched',
    xShape: [2, 3, 4],
    thetaShape: [2, 5, 4],
    op: (x, w) => tf.matMul(x, w as Tensor, false, true),
  },
  {
    name: 'depthwise 3×3 stride 1 same',
    xShape: [2, 6, 6, 3],
    thetaShape: [3, 3, 3, 1],
    op: (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 1, 'same'),
  },
  {
    name: 'depthwise 3×3 stride 2 same, multiplier 2',
    xShape: [2, 7, 7, 3],
    thetaShape: [3, 3, 3, 2],
    op: (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 2, 'same'),
  },
  {
    name: 'depthwise 4×4 stride 2 valid',
    xShape: [2, 8, 8, 2],
    thetaShape: [4, 4, 2, 1],
    op: (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 2, 'valid'),
  },
  ...(
    [
      ['bilinear', false, false],
      ['bilinear', true, false],
      ['bilinear', false, true],
      ['nearest', false, false],
      ['nearest', true, false],
      ['nearest', false, true],
    ] as const
  ).flatMap(([mode, alignCorners, halfPixelCenters]) =>
    (
      [
        ['up', [2, 5, 6, 3], [9, 11]],
        ['down', [2, 8, 9, 2], [3, 5]],
      ] as const
    ).map(
      ([dir, xShape, size]): OpCase => ({
        name: `resize ${mode} ${dir} alignCorners=${alignCorners} halfPixelCenters=${halfPixelCenters}`,
        xShape: [...xShape],
        op: (x) =>
          mode === 'bilinear'
            ? tf.image.resizeBilinear(x as T4, [...size], alignCorners, halfPixelCenters)
            : tf.image.resizeNearestNeighbor(x as T4, [...size], alignCorners, halfPixelCenters),
      }),
    ),
  ),
  {
    name: 'leakyRelu 0.2',
    xShape: [2, 4, 4, 3],
    awayFromZero: true,
    eps: 0.05,
    op: (x) => tf.leakyRelu(x, 0.2),
  },
  {
    name: 'leakyRelu as 0.2x + 0.8relu(x)',
    xShape: [2, 4, 4, 3],
    awayFromZero: true,
    eps: 0.05,
    op: (x) => tf.add(tf.mul(x, 0.2), tf.mul(tf.relu(x), 0.8)),
  },
];

function inputsFor(c: OpCase, seed: number) {
  const rng = makeRng(seed);
  const x = randomTensor(tf, rng, c.xShape, c.awayFromZero);
  const theta = c.thetaShape ? randomTensor(tf, rng, c.thetaShape) : undefined;
  const w = randomTensor(
    tf,
    rng,
    tf.tidy(() => c.op(x, theta).shape),
  );
  return { rng, x, theta, w };
}

/** R1 of a small discriminator (conv → leakyRelu → conv s2 → blur → resize) w.r.t. all its weights. */
function r1ThroughDiscriminator() {
  const rng = makeRng(3);
  const x = randomTensor(tf, rng, [2, 8, 8, 2]);
  const params = [
    randomTensor(tf, rng, [3, 3, 2, 4]),
    randomTensor(tf, rng, [3, 3, 4, 3]),
    randomTensor(tf, rng, [3, 3, 3, 1]),
    randomTensor(tf, rng, [2, 3, 3, 3]),
  ];
  const discriminator = (img: Tensor, [w1, w2, blur, out]: Tensor[]) => {
    const h1 = tf.leakyRelu(tf.conv2d(img as T4, w1 as T4, 1, 'same'), 0.2);
    const h2 = tf.conv2d(h1, w2 as T4, 2, 'same');
    const h3 = tf.depthwiseConv2d(h2, blur as T4, 1, 'same');
    return tf.sum(tf.mul(tf.image.resizeBilinear(h3, [3, 3]), out));
  };
  const r1 = (...weights: Tensor[]) =>
    tf.sum(tf.square(tf.grad((img: Tensor) => discriminator(img, weights))(x))) as tfType.Scalar;
  // Small step so no leakyRelu mask flips (at 1e-2 some do: 6% error); R1 is then a degree-6 polynomial.
  return directionalCheck(tf, r1, params, rng, 1e-3);
}

const MODES = [
  ['plain wasm', false],
  ['onnxruntime conv kernels', true],
] as const;

describe.each(MODES)('wasm gradients (finite differences, batch 2, float32): %s', (_mode, ort) => {
  beforeAll(() => (ort ? registerOrtConvKernels({ threads: 2 }) : unregisterOrtConvKernels()));
  afterAll(() => {
    // The conv cases really ran in onnxruntime (and not in a silent fallback).
    if (ort) expect(ortConvStats()).toMatchObject({ fallbacks: 0 });
    if (ort) expect(ortConvStats()?.runs).toBeGreaterThan(100);
    unregisterOrtConvKernels();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('first order: %s', (_name, c) => {
    const { rng, x, theta, w } = inputsFor(c, 1);
    const loss = (xv: Tensor, tv?: Tensor) => tf.sum(tf.mul(w, c.op(xv, tv))) as tfType.Scalar;
    const check = directionalCheck(tf, loss, theta ? [x, theta] : [x], rng, c.eps ?? 0.5);
    expect(check.relError).toBeLessThan(TOL);
    expect(Math.abs(check.analytic)).toBeGreaterThan(1e-3);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('second order (R1-style): %s', (_name, c) => {
    const { rng, x, theta, w } = inputsFor(c, 2);
    const penalty = (xv: Tensor, wv: Tensor, tv?: Tensor): tfType.Scalar => {
      const inner = (a: Tensor, b?: Tensor) => tf.sum(tf.mul(wv, c.op(a, b))) as tfType.Scalar;
      const grads = tf.grads((...args: Tensor[]) => inner(args[0], args[1]))(tv ? [xv, tv] : [xv]);
      return tf.addN(grads.map((g) => tf.sum(tf.square(g)))) as tfType.Scalar;
    };
    const inputs = theta ? [x, w, theta] : [x, w];
    const check = directionalCheck(tf, (xv, wv, tv) => penalty(xv, wv, tv), inputs, rng, c.eps ?? 0.5);
    expect(check.relError).toBeLessThan(TOL);
    expect(Math.abs(check.analytic)).toBeGreaterThan(1e-3);
  });

  it('R1 through a small discriminator (conv → leakyRelu → conv s2 → blur → resize) w.r.t. all weights', () => {
    expect(r1ThroughDiscriminator().relError).toBeLessThan(TOL);
  });

  it('detects a wrong gradient (the check can fail)', () => {
    const rng = makeRng(4);
    const x = randomTensor(tf, rng, [2, 4, 4, 2]);
    const wrong = tf.customGrad((...args: (Tensor | tfType.GradSaveFunc)[]) => {
      const [v, save] = args as [Tensor, tfType.GradSaveFunc];
      save([v]);
      return {
        value: tf.sum(tf.square(v)),
        gradFunc: (dy: Tensor | Tensor[], [s]: Tensor[]) => tf.mul(dy as Tensor, tf.mul(s, 2.01)),
      };
    }) as (v: Tensor) => tfType.Scalar;
    expect(directionalCheck(tf, wrong, [x], rng, 0.5).relError).toBeGreaterThan(TOL);
  });
});

describe('a deliberately wrong onnxruntime kernel (filter kh and kw swapped) fails the checks', () => {
  afterEach(() => unregisterOrtConvKernels());

  // 3→4 channels: the plain Conv graphs; 16→16: the NCHWc blocked ones where the CPU has them.
  const FAULT_CASES = ORT_CONV_KERNELS.flatMap((k) => [
    [k, 3, 4, 1],
    [k, 16, 16, 1],
    [k, 16, 16, 2],
  ]) as [string, number, number, number][];

  it.each(FAULT_CASES)('%s, %i→%i channels, stride %i', (kernel, cin, cout, stride) => {
    registerOrtConvKernels({ threads: 2 });
    setOrtConvFaultForTests(kernel as (typeof ORT_CONV_KERNELS)[number]);
    const rng = makeRng(11);
    const x = randomTensor(tf, rng, [2, 7, 7, cin]);
    const w = randomTensor(tf, rng, [3, 3, cin, cout]);
    const outSize = stride === 1 ? 7 : 3; // stride 2 'valid': dx runs as the phase convs
    const y = randomTensor(tf, rng, [2, outSize, outSize, cout]);
    const loss = (xv: Tensor, wv: Tensor) =>
      tf.sum(
        tf.mul(y, tf.conv2d(xv as T4, wv as T4, stride, stride === 1 ? 'same' : 'valid')),
      ) as tfType.Scalar;
    // A wrong forward no longer matches the (right) backprop kernels; a wrong backprop kernel no longer
    // matches finite differences of the forward: first or second order shows either.
    const first = directionalCheck(tf, loss, [x, w], rng, 0.5);
    const penalty = (xv: Tensor, wv: Tensor) =>
      tf.addN(
        tf
          .grads((a: Tensor, b: Tensor) => loss(a, b))([xv, wv])
          .map((g) => tf.sum(tf.square(g))),
      ) as tfType.Scalar;
    const second = directionalCheck(tf, penalty, [x, w], rng, 0.5);
    expect(Math.max(first.relError, second.relError)).toBeGreaterThan(TOL);
    if (cin === 3 && stride === 1) expect(r1ThroughDiscriminator().relError).toBeGreaterThan(TOL);
  });
});
