import type { AuthStore } from './store';
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, hashPassword } from './password';
import { emailSchema } from './validation';

/** What `bootstrapAccounts` did on this start. */
export type BootstrapOutcome =
  | { kind: 'existing' }
  | { kind: 'admin-created'; email: string }
  | { kind: 'setup-link'; url: string; token: string };

/**
 * First start on an empty accounts database, without any default password:
 * - while no user exists and BOOTSTRAP_ADMIN_EMAIL + BOOTSTRAP_ADMIN_PASSWORD are
 *   both set, creates that admin (for scripted installs; the variables are ignored
 *   once any user exists, so leaving them set cannot reset a password later);
 * - otherwise prints a one-time setup link `${publicOrigin}/setup#<token>` through
 *   `log`. The token sits in the URL fragment so it never reaches server or proxy
 *   logs; it is stored hashed, stays valid until used, and each start without users
 *   replaces it with a new one.
 * Exactly one of the two variables set, an invalid email or a password shorter than
 * the policy throws, so a broken install script fails loudly.
 */
export async function bootstrapAccounts(
  store: AuthStore,
  env: NodeJS.ProcessEnv,
  publicOrigin: string,
  log: (line: string) => void = console.log,
): Promise<BootstrapOutcome> {
  if ((await store.userCount()) > 0) return { kind: 'existing' };
  const email = env.BOOTSTRAP_ADMIN_EMAIL ?? '';
  const password = env.BOOTSTRAP_ADMIN_PASSWORD ?? '';
  if (email !== '' || password !== '') {
    if (email === '' || password === '') {
      throw new Error('Set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, or neither (then a setup link is printed)');
    }
    if (!emailSchema.safeParse(email).success) throw new Error(`BOOTSTRAP_ADMIN_EMAIL is not a valid email address: ${JSON.stringify(email)}`);
    if (password.length < PASSWORD_MIN_CHARS || password.length > PASSWORD_MAX_CHARS) {
      throw new Error(`BOOTSTRAP_ADMIN_PASSWORD must have ${PASSWORD_MIN_CHARS}–${PASSWORD_MAX_CHARS} characters`);
    }
    const passwordHash = await hashPassword(password);
    // Checked again in the transaction: instances starting at once on one PostgreSQL create it once.
    const user = await store.transaction(function* (tx) {
      if ((yield* tx.userCount()) > 0) return null;
      return yield* tx.insertUser({ email, passwordHash, name: 'Administrator', isAdmin: true });
    });
    if (!user) return { kind: 'existing' };
    log(`Created the first administrator ${user.email} from BOOTSTRAP_ADMIN_EMAIL.`);
    return { kind: 'admin-created', email: user.email };
  }
  const token = await store.createSetupToken();
  const url = `${publicOrigin.replace(/\/+$/, '')}/setup#${token}`;
  log('');
  log('No user exists yet. Open this one-time link to create the first administrator:');
  log(`  ${url}`);
  log('(Valid until used; a restart without users prints a new link and revokes this one.)');
  log('');
  return { kind: 'setup-link', url, token };
}
