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
export { imageToTensor } from './lib/tensor';
export { byteToRange, rangeToByte, toRgb, type PixelRange } from './lib/pixels';
export { IMAGE_EXTENSIONS, isImageFile, listImageFiles } from './lib/files';
export { writeImageGrid, type GridTile, type GridOptions } from './lib/grid';
export {
  openPhoto,
  cropRaw,
  clipRegion,
  type Photo,
  type Region,
  type ReducedView,
  type ShrunkRegion,
  type OpenPhotoOptions,
} from './lib/photo';
export { sniffFormat, type SniffedFormat, type RasterFormat } from './lib/sniff';
export { parseLabels, readLabels, isScoredLabel, type LabelRow, type Expected } from './lib/labels';
