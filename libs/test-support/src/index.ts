export { SHARED_DIR, sharedPath, describeWithShared } from './lib/shared-data';
export { FLOAT, floatValue, int64Initializer, intAttribute, writeTinyOnnx } from './lib/tiny-onnx';
export { tinyU2netModel } from './lib/tiny-u2net';
export { CHROMIUM_PATH, BROWSER_CANDIDATES, describeWithChromium } from './lib/browser';
export { SYSTEM_PYTHON, describeWithTorch } from './lib/torch';
