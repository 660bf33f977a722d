import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/** A yargs command whose handler's argument type is inferred from its builder. */
export interface TypedCommand<A> {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  handler: (args: ArgumentsCamelCase<A>) => Promise<void>;
}

/** Typed identity helper (nx style): keeps builder → handler inference, returns a yargs CommandModule. */
export function makeCommand<A>(command: TypedCommand<A>): CommandModule<object, A> {
  return command as unknown as CommandModule<object, A>;
}
