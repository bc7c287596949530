export { crc32c, maskedCrc32c } from './lib/crc32c';
export { frameRecord, readRecords } from './lib/tfrecord';
export { FILE_VERSION, decodeEvent, encodeScalarEvent, type TfEvent, type ScalarValue } from './lib/event';
export { EventFileWriter, readEventFile, eventFileName, EVENT_FILE_RE } from './lib/event-file';
