import { describe, expect, it } from 'vitest';
import {
  docItemSize,
  formatReport,
  type IndexShape,
  indexWriteUnits,
  itemSize,
  queryUnits,
  readUnits,
  valueSize,
  writeUnits,
} from '../../bench/meter.js';

// Examples from the DynamoDB developer guide ("Item sizes and formats", "read and write operations",
// "transactions: capacity management", "GSI: provisioned throughput considerations"), worked by hand.
const KB = 1024;

describe('item size by DynamoDB rules', () => {
  it('counts strings in UTF-8 bytes, names included', () => {
    expect(itemSize({ pk: { S: 'E#1' } })).toBe(2 + 3);
    // 安心 is 6 UTF-8 bytes; the name 名 is 3
    expect(itemSize({ 名: { S: '安心' } })).toBe(3 + 6);
  });

  it('counts numbers as 1 byte per two significant digits plus 1, leading and trailing zeros trimmed', () => {
    expect(valueSize({ N: '7' })).toBe(2);
    expect(valueSize({ N: '123456' })).toBe(4);
    expect(valueSize({ N: '1234567' })).toBe(5);
    expect(valueSize({ N: '0.00120' })).toBe(2); // digits "12"
    expect(valueSize({ N: '-1500' })).toBe(2); // digits "15"
  });

  it('counts binary by raw bytes, booleans and null as 1', () => {
    expect(valueSize({ B: new Uint8Array(10) })).toBe(10);
    expect(valueSize({ BOOL: false })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
  });

  it('counts lists and maps as 3 bytes plus 1 per element plus the elements', () => {
    expect(valueSize({ L: [] })).toBe(3);
    expect(valueSize({ M: {} })).toBe(3);
    // ["ab", 5]: 3 + (1 + 2) + (1 + 2)
    expect(valueSize({ L: [{ S: 'ab' }, { N: '5' }] })).toBe(9);
    // { a: "xy" }: 3 + 1 + name 1 + 2
    expect(valueSize({ M: { a: { S: 'xy' } } })).toBe(7);
    // sets: the sum of their elements
    expect(valueSize({ SS: ['a', 'bc'] })).toBe(3);
    expect(valueSize({ NS: ['1', '22'] })).toBe(4);
  });

  it('gives the document client’s values the same sizes', () => {
    const raw = itemSize({
      pk: { S: 'E#1' },
      n: { N: '1234567' },
      ok: { BOOL: true },
      nothing: { NULL: true },
      tags: { SS: ['a', 'bc'] },
      list: { L: [{ S: 'ab' }, { N: '5' }] },
      map: { M: { a: { S: 'xy' } } },
    });
    const doc = docItemSize({
      pk: 'E#1',
      n: 1234567,
      ok: true,
      nothing: null,
      tags: new Set(['a', 'bc']),
      list: ['ab', 5],
      map: { a: 'xy' },
    });
    expect(doc).toBe(raw);
  });
});

describe('read units', () => {
  it('rounds GetItem up to 4 KB, halves eventually consistent reads, doubles transactional ones', () => {
    // the guide: a 3.5 KB item is read as 4 KB; a 10 KB item as 12 KB; an 8 KB item is 2, 1 or 4 units
    expect(readUnits(3.5 * KB, 'strong')).toBe(1);
    expect(readUnits(3.5 * KB, 'eventual')).toBe(0.5);
    expect(readUnits(10 * KB, 'strong')).toBe(3);
    expect(readUnits(8 * KB, 'strong')).toBe(2);
    expect(readUnits(8 * KB, 'eventual')).toBe(1);
    expect(readUnits(8 * KB, 'transactional')).toBe(4);
    // an item that is not there still costs the minimum
    expect(readUnits(0, 'eventual')).toBe(0.5);
  });

  it('rounds BatchGetItem per item: 1.5 KB and 6.5 KB are 12 KB, not 8', () => {
    expect(readUnits(1.5 * KB, 'strong') + readUnits(6.5 * KB, 'strong')).toBe(3);
  });

  it('adds up a Query’s items and rounds once: 40.8 KB read is 44 KB', () => {
    const sizes = Array.from({ length: 10 }, () => 4.08 * KB);
    expect(queryUnits(sizes, true)).toBe(11);
    expect(queryUnits(sizes, false)).toBe(5.5);
    // many small items: 100 items of 40 bytes are one unit, not 100
    expect(
      queryUnits(
        Array.from({ length: 100 }, () => 40),
        true,
      ),
    ).toBe(1);
  });
});

describe('write units', () => {
  it('bills the larger of old and new per 1 KB, at least 1, twice in a transaction', () => {
    expect(writeUnits(0, 500)).toBe(1);
    expect(writeUnits(0, 3.5 * KB)).toBe(4);
    expect(writeUnits(1.5 * KB, 0.5 * KB)).toBe(2);
    expect(writeUnits(0, 0)).toBe(1);
    expect(writeUnits(0, 500, true)).toBe(2);
  });
});

describe('index write units', () => {
  const tableKeys = ['pk', 'sk'];
  const all: IndexShape = { name: 'gsi3', keys: ['gsi3pk', 'gsi3sk'], projection: 'ALL', include: [] };
  const keysOnly: IndexShape = { ...all, projection: 'KEYS_ONLY' };
  const big = { S: 'x'.repeat(2000) };
  const item = (due: string | undefined, extra: Record<string, { S: string }> = {}) => ({
    pk: { S: 'E#1' },
    sk: { S: 'S' },
    ...(due ? { gsi3pk: { S: due }, gsi3sk: { S: 'E#1' } } : {}),
    ...extra,
  });

  it('puts an entry into the index when the item enters it', () => {
    expect(indexWriteUnits(undefined, item('DUE#1', { body: big }), all, tableKeys)).toBe(2);
    // KEYS_ONLY: only the keys are written, whatever the item's size
    expect(indexWriteUnits(undefined, item('DUE#1', { body: big }), keysOnly, tableKeys)).toBe(1);
  });

  it('bills a changed index key as a delete and a put', () => {
    expect(indexWriteUnits(item('DUE#1'), item('DUE#2'), all, tableKeys)).toBe(2);
  });

  it('bills leaving a sparse index as a delete, and nothing for an item never in it', () => {
    expect(indexWriteUnits(item('DUE#1'), item(undefined), all, tableKeys)).toBe(1);
    expect(indexWriteUnits(item(undefined), item(undefined, { body: big }), all, tableKeys)).toBe(0);
  });

  it('bills one write when only projected attributes change, none when nothing projected changes', () => {
    expect(indexWriteUnits(item('DUE#1'), item('DUE#1', { body: big }), all, tableKeys)).toBe(2);
    expect(indexWriteUnits(item('DUE#1'), item('DUE#1', { body: big }), keysOnly, tableKeys)).toBe(0);
    expect(indexWriteUnits(item('DUE#1'), item('DUE#1'), all, tableKeys)).toBe(0);
  });
});

describe('the printed report', () => {
  it('prints one row per phase and a per-unit row', () => {
    const row = {
      phase: 'planner',
      readUnits: 3,
      writeUnits: 4,
      gsiWriteUnits: 2,
      totalUnits: 9,
      requests: { Query: 1, PutItem: 2 },
      requestCount: 3,
      transactions: 0,
      failedConditions: 0,
      unmetered: 0,
    };
    const text = formatReport([row], { perUnitOf: { label: 'planner', count: 2 } });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^phase\s+read\s+write\s+GSI write\s+total units\s+requests\s+transactions\s+by command$/,
    );
    expect(lines[2]).toMatch(/^planner\s+3\s+4\s+2\s+9\s+3\s+0\s+PutItem 2, Query 1$/);
    expect(lines[3]).toMatch(/^planner per 1 of 2\s+1\.5\s+2\s+1\s+4\.5\s+1\.5\s+0$/);
  });
});
