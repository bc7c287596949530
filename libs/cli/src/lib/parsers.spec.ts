import { InvalidArgumentError } from 'commander';
import {
  finiteNumber,
  formatGrid,
  grid,
  nonNegativeInt,
  nonNegativeNumber,
  numberIn,
  oneOf,
  positiveInt,
  powerOfTwo,
  seedRanges,
} from './parsers';

describe('argument parsers', () => {
  it.each([
    [positiveInt, '3', 3],
    [nonNegativeInt, '0', 0],
    [finiteNumber, '-2.5', -2.5],
    [nonNegativeNumber, '0.25', 0.25],
    [powerOfTwo(8, 1024), '64', 64],
    [numberIn(0, 1, { exclusiveMin: true }), '1', 1],
  ])('%p accepts %s', (parse, value, expected) => expect(parse(value)).toBe(expected));

  it.each([
    [positiveInt, '0', /positive integer/],
    [positiveInt, '2.5', /positive integer/],
    [positiveInt, '', /positive integer/],
    [nonNegativeInt, '-1', /integer ≥ 0/],
    [finiteNumber, 'abc', /a number/],
    [finiteNumber, 'Infinity', /a number/],
    [nonNegativeNumber, '-0.1', /≥ 0/],
    [powerOfTwo(8, 1024), '96', /power of two in 8–1024/],
    [powerOfTwo(8, 1024), '2048', /power of two/],
    [numberIn(0, 1, { exclusiveMin: true }), '0', /\(0, 1\]/],
  ])('%p rejects "%s" with what it expects', (parse, value, message) => {
    expect(() => parse(value)).toThrow(InvalidArgumentError);
    expect(() => parse(value)).toThrow(message);
  });

  it('reads grids and writes them back', () => {
    expect(grid('8x4')).toEqual([8, 4]);
    expect(formatGrid(grid('8x4'))).toBe('8x4');
    expect(() => grid('8')).toThrow(/8x8/);
    expect(() => grid('0x3')).toThrow(/8x8/);
  });

  it('expands seed ranges as NVlabs num_range', () => {
    expect(seedRanges('0-3,9')).toEqual([0, 1, 2, 3, 9]);
    expect(seedRanges('5')).toEqual([5]);
    expect(() => seedRanges('3-1')).toThrow(/0-7,12/);
    expect(() => seedRanges('a')).toThrow(/0-7,12/);
  });

  it('oneOf lists the choices', () => {
    expect(oneOf(['ada', 'noaug'])('ada')).toBe('ada');
    expect(() => oneOf(['ada', 'noaug'])('x')).toThrow('Expected one of ada, noaug.');
  });
});
