#!/usr/bin/env node
// The `llm-router` command. The command line is TypeScript run by Node's own type stripping,
// which needs Node 22.18 or later: say so plainly on an older Node instead of a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`llm-router needs Node 22.18 or later (this is ${process.versions.node})\n`);
  process.exit(3);
}
const { run } = await import('../service/command-line/main.ts');
const code = await run(process.argv.slice(2));
// serve keeps running; everything else exits with its code once output is flushed.
if (code >= 0) process.exitCode = code;
