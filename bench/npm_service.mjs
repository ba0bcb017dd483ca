// The baseline of bench/serve.sh: a Step Functions Local-style service, the npm interpreter
// aws-local-stepfunctions behind a small Node HTTP server that speaks the same AWS JSON 1.0
// subset the benchmark uses (CreateStateMachine, StartExecution, StartSyncExecution,
// DescribeExecution, ListExecutions with statusFilter), everything in memory.
//   node npm_service.mjs PORTFILE [WAIT_SCALE]
// listens on a free 127.0.0.1 port and writes it to PORTFILE. Wait states last Seconds *
// WAIT_SCALE (the interpreter's waitTimeOverrides), as `aslc serve --wait-scale` does.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package declares node >= 22; Node 20 lacks Promise.withResolvers, which it may use.
Promise.withResolvers ??= function () {
	let resolve, reject;
	const promise = new this((res, rej) => { resolve = res; reject = rej; });
	return { promise, resolve, reject };
};
// installed in bench/npm (bench/run.sh and serve.sh do it), not next to this file
const { StateMachine } = createRequire(new URL('./npm/', import.meta.url))('aws-local-stepfunctions');

const [portFile, scaleArg] = process.argv.slice(2);
const waitScale = Number(scaleArg ?? 1);
const REGION = 'us-east-1', ACCOUNT = '123456789012';
const machines = new Map(); // arn -> {name, type, sm, waits, executions: [arn...]}
const executions = new Map(); // arn -> {name, machineArn, status, input, output, start, stop}

class ApiError extends Error {
	constructor(type, message) { super(message); this.type = type; }
}

// Wait states with literal Seconds, scaled; the others keep their own duration.
function waitOverrides(definition) {
	const out = {};
	const visit = (states) => {
		for (const [name, s] of Object.entries(states ?? {})) {
			if (s.Type === 'Wait' && typeof s.Seconds === 'number') out[name] = s.Seconds * 1000 * waitScale;
			for (const b of s.Branches ?? []) visit(b.States);
			visit((s.ItemProcessor ?? s.Iterator)?.States);
		}
	};
	visit(definition.States);
	return out;
}

function machine(arn) {
	const m = machines.get(arn);
	if (!m) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
	return m;
}

// Runs one execution; resolves when it is over (the record says how).
function run(m, arn, name, input) {
	const ex = { name, machineArn: m.arn, status: 'RUNNING', input, start: Date.now() / 1000 };
	executions.set(arn, ex);
	m.executions.push(arn);
	const execution = m.sm.run(JSON.parse(input), { overrides: { waitTimeOverrides: m.waits } });
	return execution.result.then(
		(out) => { ex.status = 'SUCCEEDED'; ex.output = JSON.stringify(out); },
		(err) => { ex.status = 'FAILED'; ex.error = err.name; ex.cause = err.message; },
	).finally(() => { ex.stop = Date.now() / 1000; });
}

function describe(arn, ex) {
	const out = { executionArn: arn, stateMachineArn: ex.machineArn, name: ex.name, status: ex.status,
		startDate: ex.start, input: ex.input };
	for (const k of ['output', 'error', 'cause']) if (ex[k] !== undefined) out[k] = ex[k];
	if (ex.stop !== undefined) out.stopDate = ex.stop;
	return out;
}

const ops = {
	CreateStateMachine(req) {
		const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${req.name}`;
		if (!machines.has(arn)) {
			const definition = JSON.parse(req.definition);
			machines.set(arn, { arn, name: req.name, type: req.type ?? 'STANDARD', executions: [],
				sm: new StateMachine(definition), waits: waitOverrides(definition) });
		}
		return { stateMachineArn: arn, creationDate: Date.now() / 1000 };
	},
	StartExecution(req) {
		const m = machine(req.stateMachineArn);
		const name = req.name ?? randomUUID();
		const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${m.name}:${name}`;
		if (executions.has(arn)) throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
		run(m, arn, name, req.input ?? '{}');
		return { executionArn: arn, startDate: executions.get(arn).start };
	},
	async StartSyncExecution(req) {
		const m = machine(req.stateMachineArn);
		const name = req.name ?? randomUUID();
		const arn = `arn:aws:states:${REGION}:${ACCOUNT}:express:${m.name}:${name}:${randomUUID()}`;
		await run(m, arn, name, req.input ?? '{}');
		const out = describe(arn, executions.get(arn));
		executions.delete(arn); // express executions are not kept
		m.executions.pop();
		return out;
	},
	DescribeExecution(req) {
		const ex = executions.get(req.executionArn);
		if (!ex) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${req.executionArn}'`);
		return describe(req.executionArn, ex);
	},
	ListExecutions(req) { // newest first; the token is an offset (no keyset: nothing starts while the benchmark counts)
		const m = machine(req.stateMachineArn);
		const list = m.executions.map((arn) => [arn, executions.get(arn)])
			.filter(([, ex]) => !req.statusFilter || ex.status === req.statusFilter).reverse();
		const from = Number(req.nextToken ?? 0), to = from + (req.maxResults || 100);
		const out = { executions: list.slice(from, to).map(([arn, ex]) => ({ executionArn: arn,
			stateMachineArn: m.arn, name: ex.name, status: ex.status, startDate: ex.start })) };
		if (to < list.length) out.nextToken = String(to);
		return out;
	},
};

function send(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(text),
		'x-amzn-RequestId': randomUUID() });
	res.end(text);
}

const server = createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', async () => {
		const op = ops[String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '')];
		try {
			if (!op) throw new ApiError('UnknownOperationException', 'unknown operation');
			const body = Buffer.concat(chunks).toString();
			send(res, 200, await op(body ? JSON.parse(body) : {}));
		} catch (err) {
			send(res, err instanceof ApiError ? 400 : 500, { __type: err.type ?? 'InternalFailure', message: err.message });
		}
	});
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
	writeFileSync(portFile, String(server.address().port));
	console.error(`npm_service: listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
