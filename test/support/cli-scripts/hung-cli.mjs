// A CLI that hangs: it starts a grandchild that would outlive it, writes both pids to the file
// named by HUNG_CLI_PIDS, and never answers. Only killing its whole process group ends both.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(process.env.HUNG_CLI_PIDS, JSON.stringify([process.pid, grandchild.pid]));
process.stdout.write('');
setInterval(() => {}, 1000);
