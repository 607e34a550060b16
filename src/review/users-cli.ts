import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { createUser, disableUser, findUserByLogin } from './auth.ts';

export const USER_USAGE = `usage: order-capture user add LOGIN "NAME" [--admin]
       order-capture user disable LOGIN`;

const CLI_ACTOR = 'system:cli';

function usage(message: string): never {
  throw new OrderCaptureError('input_invalid', `${message}\n${USER_USAGE}`);
}

/**
 * `user add LOGIN "NAME" [--admin]`: creates an operator (or admin) with a random password,
 * printed once through `out`; `user disable LOGIN`. `args` may start with `user` or with the
 * subcommand. Returns the exit status; bad usage and refused input throw OrderCaptureError
 * ('input_invalid').
 */
export async function runUserCommand(db: Db, args: string[], out: (s: string) => void): Promise<number> {
  const rest = args[0] === 'user' ? args.slice(1) : args;
  const [sub, ...params] = rest;
  const flags = params.filter((p) => p.startsWith('--'));
  const positional = params.filter((p) => !p.startsWith('--'));
  switch (sub) {
    case 'add': {
      const unknown = flags.find((f) => f !== '--admin');
      if (unknown) usage(`unknown option "${unknown}"`);
      const [login, name, ...extra] = positional;
      if (!login || !name || extra.length > 0) usage('user add takes a login and a name (quote it)');
      const password = randomBytes(12).toString('base64url');
      const user = await createUser(
        db,
        { login, name, role: flags.includes('--admin') ? 'admin' : 'operator', password },
        CLI_ACTOR,
      );
      out(`created ${user.role} "${user.login}"; password (shown only now): ${password}`);
      return 0;
    }
    case 'disable': {
      const [login, ...extra] = positional;
      if (!login || extra.length > 0 || flags.length > 0) usage('user disable takes one login');
      const user = await findUserByLogin(db, login);
      if (!user) throw new OrderCaptureError('input_invalid', `no user with login "${login}"`);
      await disableUser(db, user.id, CLI_ACTOR);
      out(`disabled "${user.login}"; their sessions have ended`);
      return 0;
    }
    default:
      usage(sub === undefined ? 'user needs a subcommand' : `unknown user subcommand "${sub}"`);
  }
}
