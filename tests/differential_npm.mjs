// node differential_npm.mjs NPM_DIR JOBS.json RESULTS.json [--no-validate]
// The aws-local-stepfunctions side of tests/differential.py: one Node process runs every
// machine of JOBS.json ([{"definition": {...}, "inputs": [...]}, ...]) on each of its inputs
// and writes RESULTS.json, one array of outcomes per machine, in aslc's terms:
//   {"status": "SUCCEEDED", "output": ...}
//   {"status": "FAILED", "error": ..., "cause": ...}   (null where AWS would report none)
//   {"status": "REJECTED", "message": ...}             (the constructor's validator said no)
//   {"status": "CRASHED", "message": ...}              (the interpreter threw something else)
// NPM_DIR is the folder whose node_modules holds the package (installed by differential.py).
// --no-validate skips the package's definition validator (asl-validator compiles its JSON
// schemas anew for every machine, 80% of the time otherwise).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// The package declares node >= 22; Node 20 lacks Promise.withResolvers, which it may use.
Promise.withResolvers ??= function () {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

const [npmDir, jobsFile, resultsFile, mode] = process.argv.slice(2);
const validate = mode !== '--no-validate';
const require = createRequire(resolve(npmDir, 'package.json'));
const { StateMachine } = await import(require.resolve('aws-local-stepfunctions'));

// What the interpreter says when a Fail state has no Error or no Cause: AWS reports none.
const NO_ERROR = 'FailStateError';
const NO_CAUSE = 'Execution failed because of a Fail state';
const PER_EXECUTION_MS = 10000; // generated machines are acyclic: anything slower is stuck

async function runOne(sm, input) {
  let timer;
  const stuck = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no result after ' + PER_EXECUTION_MS + ' ms')),
      PER_EXECUTION_MS);
  });
  try {
    const output = await Promise.race([sm.run(input).result, stuck]);
    return { status: 'SUCCEEDED', output: output === undefined ? null : output };
  } catch (e) {
    const err = e?.name === 'ExecutionError' ? e.cause : undefined;
    if (!err || typeof err.name !== 'string' || !('catchable' in err))
      return { status: 'CRASHED', message: String(e?.cause ?? e) };
    const fromFail = err.constructor?.name === 'FailStateError';
    return {
      status: 'FAILED',
      error: fromFail && err.name === NO_ERROR ? null : err.name,
      cause: fromFail && err.message === NO_CAUSE ? null : err.message,
    };
  } finally {
    clearTimeout(timer);
  }
}

const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
const results = [];
for (const job of jobs) {
  let sm;
  try {
    const options = validate ? undefined : { validationOptions: { noValidate: true } };
    sm = new StateMachine(job.definition, options);
  } catch (e) {
    results.push(job.inputs.map(() => ({ status: 'REJECTED', message: String(e.message) })));
    continue;
  }
  const outcomes = [];
  for (const input of job.inputs) outcomes.push(await runOne(sm, input));
  results.push(outcomes);
}
writeFileSync(resultsFile, JSON.stringify(results));
