export {
  decodeImage,
  ImageDecodeError,
  DEFAULT_MAX_PIXELS,
  type RawImage,
  type DecodeOptions,
} from './lib/decode';
export { rawToSharp, sharpToRaw, toGray, encodePng, encodeJpeg } from './lib/raw-image';
export { imageToTensor, type PixelRange } from './lib/tensor';
export { bytesToSigned, bytesToSignedInto, signedToByte, signedToBytes } from './lib/pixels';
