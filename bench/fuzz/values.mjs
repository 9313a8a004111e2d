/**
 * Odd and valid-looking scalar values for the structure-aware generator: strings that are
 * empty, huge, unicode, NUL-bearing or injection-shaped; integers at every boundary; floats
 * that are not numbers; and the real names of this server's objects (the namespace
 * `default`, workflow ids and run ids that exist, task tokens it issued), so that many calls
 * get past the first checks and reach deep code.
 */

/** Strings that have broken parsers, SQL, paths and logs elsewhere. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\n\r\t',
  '%s%n%x',
  '../../../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE executions; --',
  '\\',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '\u202e\u0041\u0301',
  '😀👍🏽',
  '\ud800',
  '\udfff\ud800',
  '\uffff\ufffe',
  'Ω≈ç√∫',
  '漢字テスト',
  'null',
  'undefined',
  '[]',
  '{}',
  '-1',
  'NaN',
  '1e999',
  '0x7fffffff',
  'default ',
  'DEFAULT',
  '__proto__',
  'constructor',
  'hasOwnProperty',
];

/** Visibility queries: valid ones that reach the SQL translation, and broken ones. */
const QUERIES = [
  '',
  'WorkflowType = "x"',
  "ExecutionStatus = 'Running'",
  'ExecutionStatus = "Completed" AND StartTime > "2020-01-01T00:00:00Z"',
  'WorkflowId STARTS_WITH "fuzz"',
  'CustomKeywordField = "a" ORDER BY StartTime DESC',
  'CloseTime is null',
  'WorkflowId IN ("a", "b", "c")',
  'StartTime BETWEEN "2020-01-01T00:00:00Z" AND "2030-01-01T00:00:00Z"',
  'TemporalChangeVersion = "x"',
  'BuildIds = "y"',
  '(((((((((((((((((((( WorkflowId = "a" ))))))))))))))))))))',
  'WorkflowId = ',
  '= = =',
  'WorkflowId = "a" OR',
  "WorkflowId = 'unterminated",
  'NotAnAttribute = 1',
  'StartTime > "not a time"',
  'ExecutionStatus = 999',
  'WorkflowId = "a" ORDER BY NoSuchField',
  'WorkflowId LIKE "%"',
  '`WorkflowId` = "a"',
  'WorkflowId = "a"; DROP TABLE x',
  'ExecutionDuration > "1h"',
  'HistoryLength > -1',
  'GROUP BY ExecutionStatus',
  'ExecutionStatus = "Running" GROUP BY ExecutionStatus',
  'WorkflowId != "\u0000"',
];

const CRON = ['', '* * * * *', '@every 1s', '@daily', '0 0 31 2 *', '*/0 * * * *', '60 25 32 13 8', 'CRON_TZ=Mars/Olympus * * * * *', '@every -1s', '1-0 * * * *', '* * * * * * * *'];

const ENCODINGS = ['json/plain', 'binary/null', 'binary/plain', 'json/protobuf', 'binary/protobuf', 'binary/encrypted', '', 'json/plain\u0000', 'x'.repeat(300)];

export const INT32_EDGES = [0, 1, -1, 2, 127, 128, 255, 65535, 2147483647, -2147483648, 1000000];
export const INT64_EDGES = [0, 1, -1, 2147483648, 4294967296, 9007199254740991, -9007199254740991, '9223372036854775807', '-9223372036854775808', '18446744073709551615'];
const FLOAT_EDGES = [0, -0, 1.5, -1, NaN, Infinity, -Infinity, 1e308, 5e-324, 3.4028235e38];

/** Ids the server knows, filled in as the run goes; every list bounded. */
export class Pools {
  constructor() {
    this.namespaces = ['default'];
    this.workflowIds = [];
    this.runIds = [];
    this.taskQueues = ['fuzz-tq'];
    this.taskTokens = [];
    this.scheduleIds = [];
    this.otherIds = [];
  }

  static MAX = 256;

  add(list, value) {
    if (!value || (typeof value === 'string' && value.length > 200)) return;
    if (list.length < Pools.MAX) list.push(value);
    else list[Math.floor(Math.random() * Pools.MAX)] = value;
  }
}

/** A random string: mostly short, sometimes nasty, rarely huge. */
export function randomString(rng) {
  switch (rng.weighted([30, 25, 12, 8, 5, 1.5, 0.05])) {
    case 0:
      return rng.pick(NASTY_STRINGS);
    case 1:
      return asciiString(rng, 1 + rng.int(24));
    case 2:
      return unicodeString(rng, 1 + rng.int(16));
    case 3:
      return rng.uuid();
    case 4:
      return String(rng.pick(INT64_EDGES));
    case 5:
      return asciiString(rng, 256 + rng.int(4096));
    default:
      // Huge: past every sane limit on ids and names, within the message size limit.
      return 'h'.repeat(64 * 1024 + rng.int(1024 * 1024));
  }
}

function asciiString(rng, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(32 + rng.int(95));
  return s;
}

function unicodeString(rng, length) {
  let s = '';
  for (let i = 0; i < length; i++) {
    const kind = rng.int(4);
    if (kind === 0) s += String.fromCharCode(rng.int(32));
    else if (kind === 1) s += String.fromCharCode(0x80 + rng.int(0x780));
    else if (kind === 2) s += String.fromCharCode(0xd800 + rng.int(0x800)); // lone surrogates
    else s += String.fromCodePoint(0x1f300 + rng.int(0x300));
  }
  return s;
}

/** A string for a field, by its name and its message's name: the real value most of the time where one exists. */
export function stringFor(rng, pools, fieldName, typeName) {
  const name = fieldName.toLowerCase();
  const real = rng.chance(0.7);
  if (name === 'namespace' || name === 'parentnamespace' || name === 'targetnamespace') return real ? rng.pick(pools.namespaces) : randomString(rng);
  if (name.endsWith('workflowid') || (name === 'id' && typeName.includes('Workflow'))) {
    return real && pools.workflowIds.length ? rng.pick(pools.workflowIds) : randomString(rng);
  }
  if (name.endsWith('runid')) {
    if (real && pools.runIds.length) return rng.pick(pools.runIds);
    return rng.chance(0.5) ? rng.uuid() : randomString(rng);
  }
  if (name === 'scheduleid') return real && pools.scheduleIds.length ? rng.pick(pools.scheduleIds) : randomString(rng);
  if (typeName.endsWith('.TaskQueue') && name === 'name') return real ? rng.pick(pools.taskQueues) : randomString(rng);
  if (name === 'query') return rng.chance(0.8) ? rng.pick(QUERIES) : randomString(rng);
  if (name === 'cronschedule' || name === 'cronstring') return rng.pick(CRON);
  if (name === 'requestid') return rng.chance(0.8) ? rng.uuid() : randomString(rng);
  if (name === 'encoding') return rng.pick(ENCODINGS);
  if (name === 'nexttoken' || name === 'pagetoken') return randomString(rng);
  if (name.endsWith('id') && real && pools.otherIds.length) return rng.pick(pools.otherIds);
  if (typeName.endsWith('.WorkflowType') || typeName.endsWith('.ActivityType')) return real ? 'fuzzWorkflow' : randomString(rng);
  return randomString(rng);
}

export function intFor(rng, is64) {
  if (rng.chance(0.3)) return rng.int(10);
  return rng.pick(is64 ? INT64_EDGES : INT32_EDGES);
}

export function floatFor(rng) {
  return rng.chance(0.5) ? rng.next() * 10 : rng.pick(FLOAT_EDGES);
}

/** Bytes: empty, random, a real task token (or one with a byte changed), rarely large. */
export function bytesFor(rng, pools, fieldName) {
  if (/token/i.test(fieldName) && pools.taskTokens.length && rng.chance(0.7)) {
    const token = Buffer.from(rng.pick(pools.taskTokens));
    if (rng.chance(0.3) && token.length) token[rng.int(token.length)] ^= 1 << rng.int(8);
    return token;
  }
  switch (rng.weighted([10, 40, 10, 1])) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return rng.bytes(rng.int(48));
    case 2:
      return Buffer.from(rng.pick(['{"a":1}', 'null', '"text"', '{', '\u0000', '[1,2', '1e999', JSON.stringify('x'.repeat(100))]));
    default:
      return rng.bytes(4096 + rng.int(256 * 1024));
  }
}
