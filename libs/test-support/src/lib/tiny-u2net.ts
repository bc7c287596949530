import { FLOAT, floatValue, int64Initializer, intAttribute, writeTinyOnnx } from './tiny-onnx';

/**
 * A tiny ONNX graph with U-2-Net's interface (input `input.1` 1×3×320×320, several
 * 1×C×320×320 outputs) whose first output's first channel is `red > 0`, i.e. a mask of the
 * pixels with (r / max − 0.485) / 0.229 > 0 after rembg's preprocessing. The second channel and
 * the second output are decoys (negated), so taking the wrong one shows up as an inverted mask.
 */
export function tinyU2netModel(): Uint8Array {
  return writeTinyOnnx('portrait-forge symmetry tests', {
    name: 'tiny-u2net',
    input: [floatValue('input.1', [1, 3, 320, 320])],
    output: [floatValue('d0', [1, 2, 320, 320]), floatValue('d1', [1, 2, 320, 320])],
    initializer: [
      int64Initializer('start', 0),
      int64Initializer('end', 1),
      int64Initializer('axis', 1),
      { name: 'zero', dataType: FLOAT, dims: [], floatData: [0] },
    ],
    node: [
      { opType: 'Slice', input: ['input.1', 'start', 'end', 'axis'], output: ['red'] },
      { opType: 'Greater', input: ['red', 'zero'], output: ['fg'] },
      { opType: 'Cast', input: ['fg'], output: ['fgf'], attribute: [intAttribute('to', FLOAT)] },
      { opType: 'Neg', input: ['fgf'], output: ['bgf'] },
      { opType: 'Concat', input: ['fgf', 'bgf'], output: ['d0'], attribute: [intAttribute('axis', 1)] },
      { opType: 'Neg', input: ['d0'], output: ['d1'] },
    ],
  });
}
