export {
  decodeImage,
  ImageDecodeError,
  DEFAULT_MAX_PIXELS,
  type RawImage,
  type DecodeOptions,
} from './lib/decode';
