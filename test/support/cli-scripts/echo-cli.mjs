// A custom `command` provider for the tests (it writes its pid and working directory to
// ECHO_CLI_PID_FILE when set): prints "echo(<model>): <prompt>" in pieces, the prompt
// taken from the last argument or, when there is none, from stdin. A prompt of "fail" exits 3
// with a message on stderr; "slow-stream" prints a first piece, then waits for a long time.
import { writeFileSync } from 'node:fs';

const [model, promptArg] = process.argv.slice(2).length >= 2 ? process.argv.slice(2) : [process.argv[2], undefined];
let prompt = promptArg;
if (prompt === undefined) {
  prompt = '';
  for await (const chunk of process.stdin) prompt += chunk;
}
if (process.env.ECHO_CLI_PID_FILE) writeFileSync(process.env.ECHO_CLI_PID_FILE, JSON.stringify({ pid: process.pid, cwd: process.cwd() }));
if (prompt === 'fail') {
  process.stderr.write('echo-cli: something went wrong (token sk-test-secret-value-12345)\n');
  process.exit(3);
}
if (prompt === 'slow-stream') {
  process.stdout.write('first piece ');
  setTimeout(() => process.stdout.write('never'), 600_000);
} else {
  const text = `echo(${model}): ${prompt.length > 200 ? `${prompt.length} chars, ends ${JSON.stringify(prompt.slice(-20))}` : prompt}`;
  for (const piece of text.match(/.{1,8}/gs) ?? []) process.stdout.write(piece);
}
