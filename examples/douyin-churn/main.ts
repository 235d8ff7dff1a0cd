/**
 * douyin-churn: reproduces the SRML-MCA paper's churn comparison on a Douyin-style user table,
 * and scores new users with the saved model. `npm run douyin-churn -- --help` lists the options.
 */
import { cpus } from 'node:os';
import { SrmlError } from '../../src/index';
import { BackendSetupError } from './backend';
import { HELP, parseCommand, UsageError } from './cli-options';
import { printTables, runCommand } from './run-command';
import { scoreCommand } from './score-command';

/** The command being run, so that error messages can name its options. */
let commandName: 'run' | 'score' | undefined;

/**
 * Rewrites the library's hints about its own options into the CLI's terms: the run command has
 * `--drop-invalid-rows`, the score command scores every row or none, and neither takes a schema.
 */
function cliMessage(message: string): string {
  const dropHint = /,? or pass onInvalidRow: 'drop' to skip invalid rows\./;
  const replacement = commandName === 'run' ? ', or rerun with --drop-invalid-rows to skip invalid rows.' : '.';
  return message.replace(dropHint, replacement).replace(/, or pass a schema without them\./, '.');
}

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2), cpus().length);
  commandName = command.command === 'help' ? undefined : command.command;
  if (command.command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (command.command === 'score') {
    const count = await scoreCommand(command);
    if (!command.quiet) process.stderr.write(`Scored ${count} users into ${command.out}\n`);
    return;
  }
  const results = await runCommand(command);
  if (command.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    printTables(results, command.out);
  }
}

main().catch((error: unknown) => {
  // Input and usage problems get one line; anything else is a bug and keeps its stack.
  if (error instanceof UsageError || error instanceof SrmlError || error instanceof BackendSetupError) {
    process.stderr.write(`douyin-churn: ${cliMessage(error.message)}\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === 'ENOENT' || (error as NodeJS.ErrnoException)?.code === 'EACCES') {
    process.stderr.write(`douyin-churn: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`douyin-churn: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exitCode = 1;
});
