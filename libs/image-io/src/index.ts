export {
  decodeImage,
  ImageDecodeError,
  checkIsPhoto,
  type DecodeProblem,
  DEFAULT_MAX_PIXELS,
  type RawImage,
  type DecodeOptions,
} from './lib/decode';
export { rawToSharp, sharpToRaw, toGray, encodePng, encodeJpeg } from './lib/raw-image';
export { imageToTensor, type PixelRange } from './lib/tensor';
export { bytesToSigned, bytesToSignedInto, signedToByte, signedToBytes } from './lib/pixels';
export {
  openPhoto,
  cropRaw,
  clipRegion,
  type Photo,
  type Region,
  type ReducedView,
  type OpenPhotoOptions,
} from './lib/photo';
export { sniffFormat, type SniffedFormat, type RasterFormat } from './lib/sniff';
