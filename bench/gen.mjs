// Machines, inputs and expected figures for bench/run.sh.
//   node gen.mjs counter K        the counter machine for exactly 10^K loop iterations
//   node gen.mjs chain N          N Pass states in a row
//   node gen.mjs input K 0|9      counter input with every digit 0 (10^K iterations) or 9 (one)
//   node gen.mjs transitions K    states entered by counter K from input 0
//   node gen.mjs tiny K           states entered by counter K from input 9
//   node gen.mjs check K FILE...  fail unless every FILE holds counter K's output for input 0
// and for bench/tasks.sh and bench/map.sh:
//   node gen.mjs taskloop task|pass   the Task (or Pass) loop, run with input {"i":0,"n":N}
//   node gen.mjs loopcheck N FILE...  fail unless every FILE holds {"i":N,"n":N}
//   node gen.mjs map                  the Map machine (Choice + two Pass states per item)
//   node gen.mjs mapinput N           its input: {"items": [N digits 1..9]}
//   node gen.mjs mapcheck N FILE...   fail unless every FILE holds the Map's output for N items
import { readFileSync } from 'node:fs';
import { deepStrictEqual } from 'node:assert/strict';

// Counter: a K-digit decimal counter in the state data, d0 the least significant digit.  One
// iteration is Body (Pass: Parameters reads $.d0, ResultPath $.last) and then the increment:
// Choice Inc{j} compares d{j} with 0..8 (NumericEquals) and goes to Pass Set{j}_{v+1}
// (Result v+1, ResultPath $.d{j}) and back to Body, or, when d{j} is 9, to Pass Carry{j}
// (d{j} := 0) and on to Inc{j+1}.  A carry out of the top digit goes to Pass Overflow
// (Result 1, ResultPath $.d{K}, End).  From all-zero digits the loop runs exactly 10^K times
// and the output holds the number 10^K in digits d0..d{K}.
export function counter(k) {
  const States = {
    Body: { Type: 'Pass', Parameters: { 'digit.$': '$.d0' }, ResultPath: '$.last', Next: 'Inc0' },
  };
  for (let j = 0; j < k; j++) {
    States[`Inc${j}`] = {
      Type: 'Choice',
      Choices: Array.from({ length: 9 }, (_, v) => ({
        Variable: `$.d${j}`, NumericEquals: v, Next: `Set${j}_${v + 1}`,
      })),
      Default: `Carry${j}`,
    };
    for (let v = 1; v <= 9; v++)
      States[`Set${j}_${v}`] = { Type: 'Pass', Result: v, ResultPath: `$.d${j}`, Next: 'Body' };
    // "Result": 0 would be simpler, but aws-local-stepfunctions ignores a falsy Result
    // (`if (Result)`) and passes the whole input on, so the 0 comes from the input instead.
    States[`Carry${j}`] = {
      Type: 'Pass', InputPath: '$.zero', ResultPath: `$.d${j}`,
      Next: j + 1 < k ? `Inc${j + 1}` : 'Overflow',
    };
  }
  States.Overflow = { Type: 'Pass', Result: 1, ResultPath: `$.d${k}`, End: true };
  return { Comment: `decimal counter: exactly 10^${k} loop iterations`, StartAt: 'Body', States };
}

export const input = (k, digit) => ({
  zero: 0, ...Object.fromEntries(Array.from({ length: k }, (_, j) => [`d${j}`, digit])),
});

// From input 0: Body is entered 10^K times; Inc{j} once per counter value whose j low digits
// are all 9, i.e. 10^(K-j) times, each followed by exactly one Set/Carry Pass; Overflow once.
export function transitions(k) {
  let incs = 0n;
  for (let j = 0; j < k; j++) incs += 10n ** BigInt(k - j);
  return 10n ** BigInt(k) + 2n * incs + 1n;
}
// From input 9 (one iteration): Body, Inc0..Inc{K-1}, Carry0..Carry{K-1}, Overflow.
export const tiny = (k) => 2 * k + 2;

export const expected = (k) => ({ ...input(k, 0), last: { digit: 9 }, [`d${k}`]: 1 });

// Task loop: Work (the Task under test, or a Pass for the baseline; either returns its input),
// Inc (Pass, States.MathAdd) and Loop (Choice, NumericLessThanPath $.n).  From {"i":0,"n":N}
// Work is entered exactly N times (3N + 1 transitions with Done) and the output is {"i":N,"n":N}.
export const TASK_RESOURCE = 'bench:echo';
export function taskloop(kind) {
  return {
    Comment: `loop of N iterations over one ${kind === 'pass' ? 'Pass' : 'Task'} state`,
    StartAt: 'Work',
    States: {
      Work: kind === 'pass'
        ? { Type: 'Pass', Next: 'Inc' }
        : { Type: 'Task', Resource: TASK_RESOURCE, Next: 'Inc' },
      Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)', 'n.$': '$.n' }, Next: 'Loop' },
      Loop: {
        Type: 'Choice',
        Choices: [{ Variable: '$.i', NumericLessThanPath: '$.n', Next: 'Work' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  };
}

// Map: one Map state over $.items whose ItemProcessor is a Choice on the item (a digit 1..9) and
// two Pass states: Low passes items below 5 through, High replaces the others with 9.  Items are
// single digits so that 100,000 of them (input and output alike, about 200 KB) stay under the
// 256 KiB payload limit that AWS (and aslc) enforce; there is no 0 because
// aws-local-stepfunctions evaluates the path $ on a falsy item as "does not point to a value".
export function map() {
  return {
    Comment: 'Map over $.items with a Choice and two Pass states per item',
    StartAt: 'Map',
    States: {
      Map: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Classify',
          States: {
            Classify: {
              Type: 'Choice',
              Choices: [{ Variable: '$', NumericLessThan: 5, Next: 'Low' }],
              Default: 'High',
            },
            Low: { Type: 'Pass', End: true },
            High: { Type: 'Pass', Result: 9, End: true },
          },
        },
        End: true,
      },
    },
  };
}
const mapItems = (n) => Array.from({ length: n }, (_, i) => 1 + (i % 9));
export const mapExpected = (n) => mapItems(n).map((v) => (v < 5 ? v : 9));

function checkFiles(files, want, what) {
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    try {
      deepStrictEqual(JSON.parse(text), want);
    } catch {
      console.error(`${f}: unexpected output for ${what}: ${text.slice(0, 200)}`);
      process.exit(1);
    }
  }
  return '';
}

export function chain(n) {
  const States = {};
  for (let i = 0; i < n; i++)
    States[`P${i}`] = i + 1 < n
      ? { Type: 'Pass', Result: i, ResultPath: '$.last', Next: `P${i + 1}` }
      : { Type: 'Pass', End: true };
  return { Comment: `chain of ${n} Pass states`, StartAt: 'P0', States };
}

const [cmd, a, b, ...rest] = process.argv.slice(2);
const pretty = (v) => JSON.stringify(v, null, 1);
const out = {
  counter: () => pretty(counter(+a)),
  chain: () => pretty(chain(+a)),
  input: () => JSON.stringify(input(+a, +b)),
  transitions: () => String(transitions(+a)),
  tiny: () => String(tiny(+a)),
  check: () => checkFiles([b, ...rest], expected(+a), `counter ${a}`),
  taskloop: () => pretty(taskloop(a)),
  loopcheck: () => checkFiles([b, ...rest], { i: +a, n: +a }, `the loop of ${a}`),
  map: () => pretty(map()),
  mapinput: () => JSON.stringify({ items: mapItems(+a) }),
  mapcheck: () => checkFiles([b, ...rest], mapExpected(+a), `the Map of ${a} items`),
}[cmd];
if (!out) {
  console.error('usage: see the top of bench/gen.mjs');
  process.exit(2);
}
const s = out();
if (s) console.log(s);
