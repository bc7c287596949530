import { ImageDecodeError } from '@portrait-forge/image-io';
import { fileProblem, formatProblem, parseProblem, problemOf, WorkerCrashedError } from './problems';

describe('file problems', () => {
  it('round-trip through the stored `<reason>: <detail>` form', () => {
    const p = fileProblem('symlink_outside_input', 'points to /etc/passwd: outside');
    expect(formatProblem(p)).toBe('symlink_outside_input: points to /etc/passwd: outside');
    expect(parseProblem(formatProblem(p))).toEqual(p);
    expect(parseProblem('no reason here')).toEqual({ reason: 'decode_error', detail: 'no reason here' });
  });

  it('types analysis failures by their error class', () => {
    expect(problemOf(new WorkerCrashedError('a.jpg', 'exit 134')).reason).toBe('worker_crashed');
    expect(problemOf(new ImageDecodeError('a.svg', 'a vector drawing', undefined, 'not_a_photo'))).toEqual({
      reason: 'not_a_photo',
      detail: 'a vector drawing',
    });
    expect(problemOf(new Error('bad huffman table\nat …'))).toEqual({
      reason: 'decode_error',
      detail: 'bad huffman table',
    });
  });
});
