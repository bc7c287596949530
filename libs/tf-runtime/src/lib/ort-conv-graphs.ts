import * as tf from '@tensorflow/tfjs';
import type { onnx } from 'onnx-proto';
import { floatValue, int64Initializer, intAttribute, intsAttribute, writeOnnxModel } from './onnx-model';

/**
 * The tfjs convolution kernels as small ONNX graphs for onnxruntime. tfjs tensors are NHWC (or NCHW)
 * with filters [kh, kw, in, out]; ONNX convs are NCHW with weights [out, in, kh, kw], so the graphs
 * transpose on the way in and out (ORT then picks its blocked NCHWc kernels inside).
 *
 * - Conv2D: Conv.
 * - Conv2DBackpropInput (dx, and tfjs' conv2dTranspose): at stride 1 a Conv with the flipped filter;
 *   otherwise ConvTranspose with the same weights, the forward pads and output_padding = the rows the
 *   forward's floor dropped.
 * - Conv2DBackpropFilter (dW): one GEMM per filter tap (see backpropFilterGraph). The other derivation —
 *   one Conv of x as [in, N, H, W] with dy as weights [out, N, outH, outW] dilated by the stride — was
 *   1.6–2.3× slower here (3×3 128→128 @32² batch 8, 2 threads, under load), so it is not kept.
 */

type Info = tf.backend_util.Conv2DInfo;

export const ORT_CONV_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
export type OrtConvKernel = (typeof ORT_CONV_KERNELS)[number];

export interface ConvGraphSpec {
  kernel: OrtConvKernel;
  info: Info;
  /** Test-only fault: the kernel swaps the filter's kh and kw axes (square filters stay shape-valid). */
  swapFilterAxes?: boolean;
  /**
   * MLAS' NCHWc channel block on this CPU (16 with AVX-512, 8 with AVX2; 1: none), from
   * `nchwcBlockSize`; convs whose channel counts it divides run as blocked convs (see blockedConv).
   */
  nchwcBlock?: number;
}

export interface ConvGraph {
  model: Uint8Array;
  /** Graph input names in the order of the tfjs kernel's inputs. */
  inputs: [string, string];
  output: string;
  outputShape: number[];
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** [kh, kw, in, out] → [out, in, kh, kw]; the fault swaps kh and kw. */
const filterToOihw = (swap: boolean) => (swap ? [3, 2, 1, 0] : [3, 2, 0, 1]);

type Node = onnx.INodeProto;

const transpose = (input: string, output: string, perm: number[]): Node => ({
  opType: 'Transpose',
  input: [input],
  output: [output],
  attribute: [intsAttribute('perm', perm)],
});

function channelsFirst(info: Info): boolean {
  return info.dataFormat === 'channelsFirst';
}

/** ONNX pads: [top, left, bottom, right]. */
function onnxPads({ padInfo }: Info): number[] {
  return [padInfo.top, padInfo.left, padInfo.bottom, padInfo.right];
}

function geometryAttributes(info: Info): onnx.IAttributeProto[] {
  return [
    intsAttribute('kernel_shape', [info.filterHeight, info.filterWidth]),
    intsAttribute('strides', [info.strideHeight, info.strideWidth]),
    intsAttribute('dilations', [info.dilationHeight, info.dilationWidth]),
    intsAttribute('pads', onnxPads(info)),
  ];
}

/** Moves an image tensor to NCHW (a no-op name when it already is). */
function imageIn(info: Info, name: string, nodes: Node[]): string {
  if (channelsFirst(info)) return name;
  nodes.push(transpose(name, `${name}_nchw`, NHWC_TO_NCHW));
  return `${name}_nchw`;
}

function imageOut(info: Info, nchw: string, name: string, nodes: Node[]): void {
  nodes.push(
    channelsFirst(info)
      ? { opType: 'Identity', input: [nchw], output: [name] }
      : transpose(nchw, name, NCHW_TO_NHWC),
  );
}

const filterShapeOf = (info: Info) => [
  info.filterHeight,
  info.filterWidth,
  info.inChannels,
  info.outChannels,
];

const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Whether blockedConv applies: both channel counts whole blocks of a real NCHWc block size. */
function blockable(block: number, inChannels: number, outChannels: number): boolean {
  return block > 1 && inChannels % block === 0 && outChannels % block === 0;
}

/**
 * One conv on ORT's blocked-channel kernels (domain com.microsoft.nchwc: ReorderInput, Conv,
 * ReorderOutput). ORT's own NCHWc rewrite gives every Conv these, but only when the weights are
 * constants it can reorder once; ours change every step, so the graph reorders them itself, into MLAS'
 * OIHWBiBo blocks (`[O/B, I/B, kh, kw, Bi, Bo]`, MlasReorderFilterOIHWBiBo). Measured 1.45× the plain
 * Conv with its transposes (3×3 64→64 @32² batch 8, 2 threads: 1.6–1.9 vs 2.4–3.1 ms); the images
 * go from NHWC to blocks and back directly.
 *
 * `filterPerm` orders the filter reshaped to `[kh, kw, in/B, B, out/B, B]` (tfjs' [kh, kw, in, out]) as
 * `[O/B, I/B, kh, kw, Bi, Bo]` of the conv run here (for dx the conv's inputs are the filter's outputs).
 */
function blockedConv(
  info: Info,
  block: number,
  { image, filter, output, inChannels, outChannels, filterPerm, attributes }: BlockedConvSpec,
  nodes: Node[],
  initializer: onnx.ITensorProto[],
): void {
  const channelsLast = intAttribute('channels_last', channelsFirst(info) ? 0 : 1);
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  initializer.push(
    int64Initializer('filter_blocks', [
      kh,
      kw,
      info.inChannels / block,
      block,
      info.outChannels / block,
      block,
    ]),
    int64Initializer('blocked_shape', [outChannels, inChannels, kh, kw]),
  );
  nodes.push(
    { opType: 'Reshape', input: [filter, 'filter_blocks'], output: ['filter_6d'] },
    transpose('filter_6d', 'filter_blocked_6d', filterPerm),
    { opType: 'Reshape', input: ['filter_blocked_6d', 'blocked_shape'], output: ['w_blocked'] },
    {
      opType: 'ReorderInput',
      domain: NCHWC_DOMAIN,
      input: [image],
      output: ['image_blocked'],
      attribute: [channelsLast],
    },
    {
      opType: 'Conv',
      domain: NCHWC_DOMAIN,
      input: ['image_blocked', 'w_blocked'],
      output: ['out_blocked'],
      attribute: attributes,
    },
    {
      opType: 'ReorderOutput',
      domain: NCHWC_DOMAIN,
      input: ['out_blocked'],
      output: [output],
      attribute: [intAttribute('channels', outChannels), channelsLast],
    },
  );
}

interface BlockedConvSpec {
  image: string;
  filter: string;
  output: string;
  inChannels: number;
  outChannels: number;
  filterPerm: number[];
  attributes: onnx.IAttributeProto[];
}

function forwardGraph({ info, swapFilterAxes = false, nchwcBlock = 1 }: ConvGraphSpec): ConvGraph {
  if (blockable(nchwcBlock, info.inChannels, info.outChannels)) {
    const nodes: Node[] = [];
    const initializer: onnx.ITensorProto[] = [];
    blockedConv(
      info,
      nchwcBlock,
      {
        image: 'x',
        filter: 'filter',
        output: 'y',
        inChannels: info.inChannels,
        outChannels: info.outChannels,
        filterPerm: swapFilterAxes ? [4, 2, 1, 0, 3, 5] : [4, 2, 0, 1, 3, 5],
        attributes: geometryAttributes(info),
      },
      nodes,
      initializer,
    );
    return finish(
      'Conv2D',
      nodes,
      [info.inShape, filterShapeOf(info)],
      ['x', 'filter'],
      info.outShape,
      initializer,
    );
  }
  const nodes: Node[] = [];
  const x = imageIn(info, 'x', nodes);
  nodes.push(transpose('filter', 'w', filterToOihw(swapFilterAxes)));
  nodes.push({ opType: 'Conv', input: [x, 'w'], output: ['y_nchw'], attribute: geometryAttributes(info) });
  imageOut(info, 'y_nchw', 'y', nodes);
  return finish('Conv2D', nodes, [info.inShape, filterShapeOf(info)], ['x', 'filter'], info.outShape);
}

function backpropInputTransposedGraph({ info, swapFilterAxes = false }: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const dy = imageIn(info, 'dy', nodes);
  nodes.push(transpose('filter', 'w', filterToOihw(swapFilterAxes)));
  const { padInfo } = info;
  const reachH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const reachW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const outputPadding = [
    info.inHeight - ((info.outHeight - 1) * info.strideHeight + reachH - padInfo.top - padInfo.bottom),
    info.inWidth - ((info.outWidth - 1) * info.strideWidth + reachW - padInfo.left - padInfo.right),
  ];
  nodes.push({
    opType: 'ConvTranspose',
    input: [dy, 'w'],
    output: ['dx_nchw'],
    attribute: [...geometryAttributes(info), intsAttribute('output_padding', outputPadding)],
  });
  imageOut(info, 'dx_nchw', 'dx', nodes);
  return finish(
    'Conv2DBackpropInput',
    nodes,
    [info.outShape, filterShapeOf(info)],
    ['dy', 'filter'],
    info.inShape,
  );
}

/**
 * dW as one GEMM per filter tap: for tap (i, j) the strided window of the padded x, [N·outH·outW, in],
 * transposed times dy [N·outH·outW, out] gives dW[i, j] — MLAS runs these at full GEMM speed.
 */
function backpropFilterGraph({ info, swapFilterAxes = false }: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const nhwc = !channelsFirst(info);
  if (!nhwc) {
    nodes.push(transpose('x', 'x_nhwc', NCHW_TO_NHWC));
    nodes.push(transpose('dy', 'dy_nhwc', NCHW_TO_NHWC));
  }
  const x = nhwc ? 'x' : 'x_nhwc';
  const dy = nhwc ? 'dy' : 'dy_nhwc';
  const { padInfo } = info;
  const needH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const needW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = Math.max(0, needH - padInfo.top - info.inHeight);
  const right = Math.max(0, needW - padInfo.left - info.inWidth);
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const initializer = [
    int64Initializer('pads', [0, padInfo.top, padInfo.left, 0, 0, bottom, right, 0]),
    int64Initializer('window_axes', [1, 2]),
    int64Initializer('window_steps', [info.strideHeight, info.strideWidth]),
    int64Initializer('rows_in', [positions, info.inChannels]),
    int64Initializer('rows_out', [positions, info.outChannels]),
    int64Initializer('tap_shape', [1, info.inChannels, info.outChannels]),
    int64Initializer('filter_shape', filterShapeOf(info)),
  ];
  nodes.push({ opType: 'Pad', input: [x, 'pads'], output: ['x_padded'] });
  nodes.push({ opType: 'Reshape', input: [dy, 'rows_out'], output: ['dy_rows'] });
  const taps: string[] = [];
  const [outerTaps, innerTaps] = swapFilterAxes
    ? [info.filterWidth, info.filterHeight]
    : [info.filterHeight, info.filterWidth];
  for (let a = 0; a < outerTaps; a++) {
    for (let b = 0; b < innerTaps; b++) {
      const [i, j] = swapFilterAxes ? [b, a] : [a, b];
      const tap = `tap_${i}_${j}`;
      const y0 = i * info.dilationHeight;
      const x0 = j * info.dilationWidth;
      initializer.push(
        int64Initializer(`${tap}_starts`, [y0, x0]),
        int64Initializer(`${tap}_ends`, [
          y0 + (info.outHeight - 1) * info.strideHeight + 1,
          x0 + (info.outWidth - 1) * info.strideWidth + 1,
        ]),
      );
      nodes.push(
        {
          opType: 'Slice',
          input: ['x_padded', `${tap}_starts`, `${tap}_ends`, 'window_axes', 'window_steps'],
          output: [`${tap}_window`],
        },
        { opType: 'Reshape', input: [`${tap}_window`, 'rows_in'], output: [`${tap}_rows`] },
        {
          opType: 'Gemm',
          input: [`${tap}_rows`, 'dy_rows'],
          output: [`${tap}_dw`],
          attribute: [intAttribute('transA', 1)],
        },
        { opType: 'Reshape', input: [`${tap}_dw`, 'tap_shape'], output: [`${tap}_dw3`] },
      );
      taps.push(`${tap}_dw3`);
    }
  }
  nodes.push({ opType: 'Concat', input: taps, output: ['dw_taps'], attribute: [intAttribute('axis', 0)] });
  nodes.push({ opType: 'Reshape', input: ['dw_taps', 'filter_shape'], output: ['dw'] });
  return finish(
    'Conv2DBackpropFilter',
    nodes,
    [info.inShape, info.outShape],
    ['x', 'dy'],
    filterShapeOf(info),
    initializer,
  );
}

/**
 * dx for stride 1 as a plain Conv of dy with the spatially flipped, in/out-swapped filter, padded by
 * (reach − 1 − forward pad) — ORT's blocked Conv is faster than its ConvTranspose (GEMM + col2im).
 */
function backpropInputFlippedGraph({
  info,
  swapFilterAxes = false,
  nchwcBlock = 1,
}: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const blocked = blockable(nchwcBlock, info.inChannels, info.outChannels);
  const dy = blocked ? 'dy' : imageIn(info, 'dy', nodes);
  const { padInfo } = info;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const initializer: onnx.ITensorProto[] = [
    int64Initializer('flip_starts', [kh - 1, kw - 1]),
    int64Initializer('flip_ends', [-kh - 1, -kw - 1]),
    int64Initializer('flip_axes', [0, 1]),
    int64Initializer('flip_steps', [-1, -1]),
  ];
  nodes.push({
    opType: 'Slice',
    input: ['filter', 'flip_starts', 'flip_ends', 'flip_axes', 'flip_steps'],
    output: ['flipped'],
  });
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  const pads = [
    top,
    left,
    info.inHeight - info.outHeight + padInfo.top,
    info.inWidth - info.outWidth + padInfo.left,
  ];
  const attributes = [intsAttribute('kernel_shape', [kh, kw]), intsAttribute('pads', pads)];
  if (blocked) {
    blockedConv(
      info,
      nchwcBlock,
      {
        image: dy,
        filter: 'flipped',
        output: 'dx',
        inChannels: info.outChannels,
        outChannels: info.inChannels,
        filterPerm: swapFilterAxes ? [2, 4, 1, 0, 5, 3] : [2, 4, 0, 1, 5, 3],
        attributes,
      },
      nodes,
      initializer,
    );
    return finish(
      'Conv2DBackpropInput',
      nodes,
      [info.outShape, filterShapeOf(info)],
      ['dy', 'filter'],
      info.inShape,
      initializer,
    );
  }
  // [kh, kw, in, out] → ONNX weights [in (now the output), out, kh, kw].
  nodes.push(transpose('flipped', 'w', swapFilterAxes ? [2, 3, 1, 0] : [2, 3, 0, 1]));
  nodes.push({
    opType: 'Conv',
    input: [dy, 'w'],
    output: ['dx_nchw'],
    attribute: attributes,
  });
  imageOut(info, 'dx_nchw', 'dx', nodes);
  return finish(
    'Conv2DBackpropInput',
    nodes,
    [info.outShape, filterShapeOf(info)],
    ['dy', 'filter'],
    info.inShape,
    initializer,
  );
}

function finish(
  kernel: OrtConvKernel | 'BatchMatMul',
  nodes: Node[],
  inputShapes: [number[], number[]],
  inputs: [string, string],
  outputShape: number[],
  initializer: onnx.ITensorProto[] = [],
): ConvGraph {
  const output = nodes[nodes.length - 1].output?.[0] ?? '';
  const model = writeOnnxModel(`portrait-forge tf-runtime ${kernel}`, {
    name: kernel,
    input: inputs.map((name, i) => floatValue(name, inputShapes[i])),
    output: [floatValue(output, outputShape)],
    initializer,
    node: nodes,
  });
  return { model, inputs, output, outputShape };
}

/**
 * tfjs BatchMatMul (`tf.matMul`: a [..., M, K] · b [..., K, N] with broadcast batch dimensions, either
 * side transposed) as ONNX MatMul, whose batch broadcasting is the same numpy rule.
 */
export function batchMatMulGraph(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): ConvGraph {
  const nodes: Node[] = [];
  const swapLast = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  if (transposeA) nodes.push(transpose('a', 'a_t', swapLast(aShape.length)));
  if (transposeB) nodes.push(transpose('b', 'b_t', swapLast(bShape.length)));
  nodes.push({
    opType: 'MatMul',
    input: [transposeA ? 'a_t' : 'a', transposeB ? 'b_t' : 'b'],
    output: ['c'],
  });
  const outer = [aShape[aShape.length - (transposeA ? 1 : 2)], bShape[bShape.length - (transposeB ? 2 : 1)]];
  const batch = tf.backend_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  return finish('BatchMatMul', nodes, [aShape, bShape], ['a', 'b'], [...batch, ...outer]);
}

/** Stride 1, undilated, with pads the flipped conv can express (all of 'same' and 'valid'). */
function flippable({
  strideHeight,
  strideWidth,
  dilationHeight,
  dilationWidth,
  padInfo,
  ...info
}: Info): boolean {
  return (
    strideHeight === 1 &&
    strideWidth === 1 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padInfo.top < info.filterHeight &&
    padInfo.left < info.filterWidth &&
    info.inHeight - info.outHeight + padInfo.top >= 0 &&
    info.inWidth - info.outWidth + padInfo.left >= 0
  );
}

const BUILDERS: Record<OrtConvKernel, (spec: ConvGraphSpec) => ConvGraph> = {
  Conv2D: forwardGraph,
  Conv2DBackpropInput: (spec) =>
    flippable(spec.info) ? backpropInputFlippedGraph(spec) : backpropInputTransposedGraph(spec),
  Conv2DBackpropFilter: backpropFilterGraph,
};

/** ReorderInput of 4 channels `x` to `y`, which pads them to one NCHWc block (see nchwcBlockSize). */
export function nchwcProbeModel(): Uint8Array {
  return writeOnnxModel('portrait-forge tf-runtime NCHWc probe', {
    name: 'nchwc-probe',
    input: [floatValue('x', [1, 4, 1, 1])],
    output: [floatValue('y', [1, 'block', 1, 1])],
    node: [
      {
        opType: 'ReorderInput',
        domain: NCHWC_DOMAIN,
        input: ['x'],
        output: ['y'],
        attribute: [intAttribute('channels_last', 0)],
      },
    ],
  });
}

export function convGraph(spec: ConvGraphSpec): ConvGraph {
  return BUILDERS[spec.kernel](spec);
}
