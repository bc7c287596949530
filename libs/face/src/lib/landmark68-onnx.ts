import {
  convFilter,
  floatValue,
  intAttribute,
  intsAttribute,
  OnnxGraphBuilder,
  samePads,
  writeOnnxModel,
  type OnnxGraphModel,
} from '@portrait-forge/tf-runtime';

/**
 * face-api's 68-point landmark net (FaceLandmark68Net: FaceFeatureExtractor + fully connected head,
 * written in JS, not a tfjs graph model) as one ONNX model built from its loaded weights. Mirrors
 * node_modules/@vladmandic/face-api/src: `FaceFeatureExtractor.forwardInput` (mean subtraction, /255,
 * four `denseBlock4`, 7×7 average pool), `FaceProcessor.runNet` (flatten, `fullyConnectedLayer`).
 * Input: face-api's batch tensor ([1, 112, 112, 3], RGB 0..255, already padded to a square and
 * resized, see landmark68.ts); output: the head's [1, 136] (x, y interleaved, 0..1 of the square).
 */

/** What the builder reads of a loaded weight (a tfjs tensor). */
export interface WeightTensor {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

export interface ConvParams {
  filters: WeightTensor;
  bias: WeightTensor;
}

export interface SeparableConvParams {
  depthwise_filter: WeightTensor;
  pointwise_filter: WeightTensor;
  bias: WeightTensor;
}

export interface DenseBlock4Params {
  /** A plain conv in the first block, separable in the others. */
  conv0: ConvParams | SeparableConvParams;
  conv1: SeparableConvParams;
  conv2: SeparableConvParams;
  conv3: SeparableConvParams;
}

/** `faceLandmark68Net.faceFeatureExtractor.params` and `faceLandmark68Net.params.fc`. */
export interface Landmark68Params {
  extractor: {
    dense0: DenseBlock4Params;
    dense1: DenseBlock4Params;
    dense2: DenseBlock4Params;
    dense3: DenseBlock4Params;
  };
  fc: { weights: WeightTensor; bias: WeightTensor };
}

export const LANDMARK68_INPUT_SIZE = 112;
/** FaceFeatureExtractor's `meanRgb`. */
export const LANDMARK68_MEAN_RGB = [122.782, 117.001, 104.298];

/** An NCHW activation: its name, channels and (square) side. */
interface Activation {
  name: string;
  channels: number;
  side: number;
}

const floats = (w: WeightTensor) => Float32Array.from(w.dataSync());

class Landmark68Graph extends OnnxGraphBuilder {
  /** tf.conv2d / tf.depthwiseConv2d 3×3 or 1×1 'same' with `stride`, bias optional (ONNX Conv). */
  conv(
    x: Activation,
    filter: WeightTensor,
    stride: number,
    depthwise: boolean,
    bias?: WeightTensor,
  ): Activation {
    const [kh, kw, , outOrMult] = filter.shape;
    const onnx = convFilter(floats(filter), filter.shape, depthwise);
    const [top, bottom] = samePads(x.side, kh, stride);
    const [left, right] = samePads(x.side, kw, stride);
    const inputs = [x.name, this.floatConst(onnx.data, onnx.dims, 'w')];
    if (bias) inputs.push(this.floatConst(floats(bias), [bias.shape[0]], 'b'));
    const attributes = [
      intsAttribute('kernel_shape', [kh, kw]),
      intsAttribute('strides', [stride, stride]),
      intsAttribute('pads', [top, left, bottom, right]),
      intAttribute('group', depthwise ? x.channels : 1),
    ];
    const channels = depthwise ? x.channels * outOrMult : outOrMult;
    return { name: this.add('Conv', inputs, attributes, 'conv'), channels, side: Math.ceil(x.side / stride) };
  }

  /** common/depthwiseSeparableConv: tf.separableConv2d (depthwise with the stride, then 1×1), + bias. */
  separable(x: Activation, p: SeparableConvParams, stride: number): Activation {
    return this.conv(this.conv(x, p.depthwise_filter, stride, true), p.pointwise_filter, 1, false, p.bias);
  }

  relu(x: Activation): Activation {
    return { ...x, name: this.add('Relu', [x.name]) };
  }

  sum(...xs: Activation[]): Activation {
    // Right to left, as denseBlock4 nests its tf.add calls.
    return xs.reduceRight((acc, x) => ({ ...x, name: this.add('Add', [x.name, acc.name]) }));
  }

  /** faceFeatureExtractor/denseBlock.ts denseBlock4 (scale-down: stride 2 in conv0). */
  denseBlock4(x: Activation, p: DenseBlock4Params): Activation {
    const out1 = this.relu(
      'filters' in p.conv0
        ? this.conv(x, p.conv0.filters, 2, false, p.conv0.bias)
        : this.separable(x, p.conv0, 2),
    );
    const out2 = this.separable(out1, p.conv1, 1);
    const out3 = this.separable(this.relu(this.sum(out1, out2)), p.conv2, 1);
    const out4 = this.separable(this.relu(this.sum(out1, out2, out3)), p.conv3, 1);
    return this.relu(this.sum(out1, out2, out3, out4));
  }
}

/** The landmark net on face-api's [1, 112, 112, 3] batch tensor, giving its [1, 136] head output. */
export function landmark68ToOnnx(params: Landmark68Params): OnnxGraphModel {
  const g = new Landmark68Graph();
  const size = LANDMARK68_INPUT_SIZE;
  const inputShape = [1, size, size, 3];
  const nchw = g.add('Transpose', ['input'], [intsAttribute('perm', [0, 3, 1, 2])], 'nchw');
  const mean = g.floatConst(Float32Array.from(LANDMARK68_MEAN_RGB), [1, 3, 1, 1], 'mean');
  const centred = g.add('Sub', [nchw, mean]);
  const normalized = g.add('Div', [centred, g.floatConst(Float32Array.of(255), [], 'byte')]);
  let x: Activation = { name: normalized, channels: 3, side: size };
  const { dense0, dense1, dense2, dense3 } = params.extractor;
  for (const block of [dense0, dense1, dense2, dense3]) x = g.denseBlock4(x, block);
  const pooled = g.add(
    'AveragePool',
    [x.name],
    [intsAttribute('kernel_shape', [7, 7]), intsAttribute('strides', [2, 2])],
  );
  const pooledSide = Math.floor((x.side - 7) / 2) + 1;
  // `as2D` flattens NHWC.
  const nhwc = g.add('Transpose', [pooled], [intsAttribute('perm', [0, 2, 3, 1])], 'nhwc');
  const features = g.add('Reshape', [nhwc, g.int64Const([1, pooledSide * pooledSide * x.channels], 'shape')]);
  const { weights, bias } = params.fc;
  const fcWeights = g.floatConst(floats(weights), weights.shape, 'fc');
  const output = 'output_0';
  g.nodes.push({
    opType: 'Gemm',
    input: [features, fcWeights, g.floatConst(floats(bias), bias.shape, 'fcBias')],
    output: [output],
  });
  const outputShape = [1, weights.shape[1]];
  const model = writeOnnxModel('portrait-forge landmark68ToOnnx', {
    name: 'face-landmark-68',
    input: [floatValue('input', inputShape)],
    output: [floatValue(output, outputShape)],
    node: g.nodes,
    initializer: g.initializers,
  });
  return {
    model,
    input: { name: 'input', shape: inputShape },
    outputs: [{ name: output, shape: outputShape }],
  };
}
