// node harness.mjs MACHINE.asl.json INPUT_JSON|@INPUT_FILE [--count-states]
// Runs the machine with aws-local-stepfunctions' library API and writes the output JSON to
// stdout.  On stderr, the last line is the milliseconds spent in sm.run() until the result
// settled (Node start-up, module loading and definition validation are not included) or, with
// --count-states, the number of StateEntered events in the execution's event log.
import { readFileSync } from 'node:fs';

// The package declares node >= 22; Node 20 lacks Promise.withResolvers, which it may use.
Promise.withResolvers ??= function () {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};
const { StateMachine } = await import('aws-local-stepfunctions');

const [file, inputJson, mode] = process.argv.slice(2);
const sm = new StateMachine(JSON.parse(readFileSync(file, 'utf8')));
// @FILE reads the input from a file (a large input does not fit in one argument)
const input = JSON.parse(inputJson.startsWith('@') ? readFileSync(inputJson.slice(1), 'utf8') : inputJson);

const t0 = process.hrtime.bigint();
const execution = sm.run(input);
let entered = 0;
const drained = mode === '--count-states' && (async () => {
  for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered++;
})();
const result = await execution.result;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
await drained;

process.stdout.write(JSON.stringify(result));
console.error(mode === '--count-states' ? entered : ms.toFixed(3));
