// `llm-router`: the gateway's command line. Every command but `serve` talks to a running gateway
// (--url, ROUTER_URL; admin key ROUTER_ADMIN_KEY, client key ROUTER_API_KEY); `generate` and
// `classify` answer in-process from this machine's configuration when no gateway runs. See
// docs/COMMAND-LINE.md for the commands, their output and the exit codes.
import { Command, CommanderError, Option } from 'commander';
import { addCategory, cacheClear, configGet, metrics, providers, setChain, testTargets } from './admin-commands.ts';
import type { AskOptions } from './ask-commands.ts';
import { CommandError, EXIT } from './exit-codes.ts';
import { GatewayClient, defaultUrl } from './gateway-client.ts';
import { Output } from './render.ts';

interface GlobalFlags {
  url?: string;
  json?: boolean;
  timeout: string;
  local?: boolean;
}

export async function run(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('llm-router')
    .description('Command line for the LLM task router: ask it, inspect it, change its chains.')
    .addOption(new Option('--url <url>', 'the gateway to talk to (default: http://127.0.0.1:$PORT, PORT 3456)').env('ROUTER_URL'))
    .option('--json', 'print JSON for scripts instead of text')
    .option('--timeout <ms>', 'how long to wait for the gateway', '300000')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const context = (command: Command) => {
    const flags = command.optsWithGlobals<GlobalFlags>();
    const timeoutMs = Number(flags.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CommandError(`--timeout must be a positive number of milliseconds, got "${flags.timeout}"`, EXIT.usage);
    const client = new GatewayClient({ url: flags.url ?? defaultUrl(env), adminKey: env.ROUTER_ADMIN_KEY || undefined, apiKey: env.ROUTER_API_KEY || undefined, timeoutMs });
    const ask: AskOptions = { explicitUrl: flags.url !== undefined, local: flags.local === true, json: flags.json === true };
    return { client, out: new Output(flags.json === true), ask };
  };

  program
    .command('serve')
    .description('run the gateway (same as `npm start`); configured by the environment as in docs/CONFIGURATION.md')
    .option('--port <port>', 'port to listen on (PORT)')
    .option('--host <host>', 'address to listen on (HOST)')
    .action(async (flags: { port?: string; host?: string }) => {
      if (flags.port) process.env.PORT = flags.port;
      if (flags.host) process.env.HOST = flags.host;
      await import('../main.ts');
      // The server keeps the process alive; main.ts exits on SIGTERM/SIGINT itself.
      exitCode = -1;
    });

  program
    .command('generate')
    .description('answer a prompt through the router (reads stdin when no prompt is given)')
    .argument('[prompt]', 'the prompt; omitted or "-" reads it from stdin')
    .option('-m, --model <model>', 'router, router/<category> or provider/model', 'router')
    .option('-s, --system <text>', 'a system message before the prompt')
    .option('--max-tokens <n>', 'cap the answer length')
    .option('--stream', 'print the answer as it arrives')
    .option('--local', 'answer in-process, even if a gateway is running')
    .action(async (prompt: string | undefined, flags: { model: string; system?: string; maxTokens?: string; stream?: boolean }, command: Command) => {
      const { client, out, ask } = context(command);
      const text = prompt === undefined || prompt === '-' ? await readStdin() : prompt;
      if (!text.trim()) throw new CommandError('no prompt: give one as an argument or on stdin', EXIT.usage);
      const maxTokens = flags.maxTokens === undefined ? undefined : Number(flags.maxTokens);
      if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) throw new CommandError(`--max-tokens must be a positive integer, got "${flags.maxTokens}"`, EXIT.usage);
      const { generate } = await import('./ask-commands.ts');
      await generate(text, { model: flags.model, system: flags.system, stream: flags.stream === true, maxTokens }, client, ask, out);
    });

  program
    .command('classify')
    .description('show the category, method, reasons and chain the router would use for a prompt; nothing is called')
    .argument('[prompt]', 'the prompt; omitted or "-" reads it from stdin')
    .option('--local', 'classify in-process, even if a gateway is running')
    .action(async (prompt: string | undefined, _flags: unknown, command: Command) => {
      const { client, out, ask } = context(command);
      const text = prompt === undefined || prompt === '-' ? await readStdin() : prompt;
      if (!text.trim()) throw new CommandError('no prompt: give one as an argument or on stdin', EXIT.usage);
      const { classify } = await import('./ask-commands.ts');
      await classify(text, client, ask, out);
    });

  program
    .command('providers')
    .description('the configured providers and the live state of their targets’ breakers')
    .action(async (_flags: unknown, command: Command) => {
      const { client, out } = context(command);
      await providers(client, out);
    });

  program
    .command('test')
    .description('send one short probe through each target (default: every target in a chain) and report ok or the error, with latency')
    .argument('[targets...]', 'provider/model targets to probe')
    .action(async (targets: string[], _flags: unknown, command: Command) => {
      const { client, out } = context(command);
      exitCode = await testTargets(targets, client, out);
    });

  program
    .command('metrics')
    .description('a readable summary of requests, latency, cost and targets')
    .option('-w, --window <duration>', 'only the last 30m, 1h, 24h, 7d…')
    .action(async (flags: { window?: string }, command: Command) => {
      const { client, out } = context(command);
      await metrics(flags.window, client, out);
    });

  const cache = program.command('cache').description('the response cache');
  cache
    .command('clear')
    .description('empty the response cache (DELETE /cache)')
    .action(async (_flags: unknown, command: Command) => {
      const { client, out } = context(command);
      exitCode = await cacheClear(client, out);
    });

  const config = program.command('config').description('read or change the routing configuration');
  config
    .command('get')
    .description('categories with their chains, providers, classifier')
    .action(async (_flags: unknown, command: Command) => {
      const { client, out } = context(command);
      await configGet(client, out);
    });
  config
    .command('set-chain')
    .description("replace a category's chain")
    .argument('<category>', 'the category')
    .argument('<targets...>', 'provider/model targets, in the order to try them')
    .action(async (category: string, targets: string[], _flags: unknown, command: Command) => {
      const { client, out } = context(command);
      await setChain(category, targets, client, out);
    });
  config
    .command('add-category')
    .description('add a category (or update one) with its chain, description and keywords')
    .argument('<name>', 'lowercase name')
    .requiredOption('-c, --chain <targets...>', 'provider/model targets, in order')
    .option('-d, --description <text>', 'what belongs in it')
    .option('-k, --keywords <words...>', 'words that point a request at it')
    .action(async (name: string, flags: { chain: string[]; description?: string; keywords?: string[] }, command: Command) => {
      const { client, out } = context(command);
      await addCategory(name, flags, client, out);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, successfully.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CommandError) {
      new Output(argv.includes('--json')).error(error);
      return error.exitCode;
    }
    process.stderr.write(`llm-router: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}

/** All of stdin, bounded: a prompt is not a place for more than 8 MiB. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CommandError('no prompt: give one as an argument, or pipe it on stdin', EXIT.usage);
  const limit = 8 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new CommandError('the prompt on stdin is larger than 8 MiB', EXIT.usage);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
