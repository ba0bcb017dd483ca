// Machine generators for bench/run.sh.  Usage:
//   node gen.mjs counter K  > counter-K.asl.json   (decimal counter loop, exactly 10^K iterations)
//   node gen.mjs chain N    > chain-N.asl.json     (N Pass states in a row)
//   node gen.mjs transitions K                     (prints the state-transition count of counter K)
//   node gen.mjs input K 0|9                       (counter input with every digit 0 or 9)

// Counter: digits d0 (least significant) .. d{K-1} live in the state data.  One iteration is
// Body (Pass: Parameters reads $.d0, ResultPath $.last), then the increment: Choice Inc{j}
// compares d{j} with 0..8 (NumericEquals) and goes to Pass Set{j}_{v+1} (Result v+1,
// ResultPath $.d{j}, back to Body), or on 9 to Pass Carry{j} (Result 0) and on to Inc{j+1}.
// A carry out of the top digit goes to Pass Overflow (Result 1, ResultPath $.d{K}, End), so
// from all-zero digits the output is the number 10^K written in digits d0..d{K}.
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
    States[`Carry${j}`] = {
      Type: 'Pass', Result: 0, ResultPath: `$.d${j}`, Next: j + 1 < k ? `Inc${j + 1}` : 'Overflow',
    };
  }
  States.Overflow = { Type: 'Pass', Result: 1, ResultPath: `$.d${k}`, End: true };
  return { Comment: `decimal counter, 10^${k} iterations`, StartAt: 'Body', States };
}

// States entered when counting from 0 to 10^k: Body 10^k times; Inc{j} is entered once for
// every value whose j low digits are all 9, i.e. 10^(k-j) times, and each Inc is followed by
// exactly one Set/Carry Pass; plus Overflow once.
export function transitions(k) {
  let incs = 0n;
  for (let j = 0; j < k; j++) incs += 10n ** BigInt(k - j);
  return 10n ** BigInt(k) + 2n * incs + 1n;
}
// From all-nines (one iteration): Body, Inc0..Inc{k-1}, Carry0..Carry{k-1}, Overflow.
export const tinyTransitions = (k) => 2 * k + 2;

export const input = (k, digit) =>
  Object.fromEntries(Array.from({ length: k }, (_, j) => [`d${j}`, digit]));

export function chain(n) {
  const States = {};
  for (let i = 0; i < n; i++)
    States[`P${i}`] = i + 1 < n
      ? { Type: 'Pass', Result: i, ResultPath: '$.last', Next: `P${i + 1}` }
      : { Type: 'Pass', End: true };
  return { Comment: `chain of ${n} Pass states`, StartAt: 'P0', States };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what, a, b] = process.argv.slice(2);
  const out = {
    counter: () => counter(+a), chain: () => chain(+a),
    transitions: () => transitions(+a).toString(), input: () => input(+a, +b),
  }[what]();
  console.log(typeof out === 'string' ? out : JSON.stringify(out, null, 1));
}
