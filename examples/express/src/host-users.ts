import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

// The host application's own accounts and sessions. Nothing here knows about Tierdesk: this is the
// app you already have (kept in memory for the example; yours lives in your database).

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** A signed-in person of the host app: its staff, or its customers. */
export interface HostUser {
  id: string;
  email: string;
  name: string;
  role: 'staff' | 'customer';
}

interface StoredUser extends HostUser {
  salt: Buffer;
  passwordHash: Buffer;
}

/** What is needed to create an account. */
export interface NewHostUser extends HostUser {
  password: string;
}

/** The host app's accounts, with scrypt-hashed passwords. */
export interface HostUserStore {
  /** Checks an email and password; the user, or null (same answer for an unknown email). */
  verifyPassword(email: string, password: string): Promise<HostUser | null>;
  byId(id: string): HostUser | undefined;
}

/** Builds the account store from a list of users (their passwords are hashed here). */
export async function createHostUserStore(users: readonly NewHostUser[]): Promise<HostUserStore> {
  const byEmail = new Map<string, StoredUser>();
  const byId = new Map<string, StoredUser>();
  for (const { password, ...user } of users) {
    const salt = randomBytes(16);
    const stored = { ...user, salt, passwordHash: await scryptAsync(password, salt, 32) };
    byEmail.set(user.email.toLowerCase(), stored);
    byId.set(user.id, stored);
  }
  // Unknown emails are hashed too, so a wrong email takes as long as a wrong password.
  const dummySalt = randomBytes(16);
  return {
    async verifyPassword(email, password) {
      const stored = byEmail.get(email.toLowerCase());
      const hash = await scryptAsync(password, stored?.salt ?? dummySalt, 32);
      if (stored === undefined || !timingSafeEqual(hash, stored.passwordHash)) return null;
      return publicUser(stored);
    },
    byId(id) {
      const stored = byId.get(id);
      return stored === undefined ? undefined : publicUser(stored);
    },
  };
}

function publicUser({ id, email, name, role }: StoredUser): HostUser {
  return { id, email, name, role };
}

/** The name of the host app's session cookie. */
export const SESSION_COOKIE = 'host_session';

/** Server-side sessions keyed by a random id that travels in an HttpOnly cookie. */
export interface SessionStore {
  create(userId: string): { id: string; expiresAt: Date };
  /** The signed-in user of a `Cookie` header, or undefined (no cookie, unknown or expired session). */
  userOf(cookieHeader: string | null | undefined): HostUser | undefined;
  destroy(cookieHeader: string | null | undefined): void;
}

/** Creates the session store over the account store. */
export function createSessionStore(
  users: HostUserStore,
  { ttlMs = 8 * 60 * 60 * 1000, now = () => Date.now() }: { ttlMs?: number; now?: () => number } = {},
): SessionStore {
  const sessions = new Map<string, { userId: string; expiresAtMs: number }>();
  return {
    create(userId) {
      const id = randomBytes(32).toString('base64url');
      const expiresAtMs = now() + ttlMs;
      sessions.set(id, { userId, expiresAtMs });
      return { id, expiresAt: new Date(expiresAtMs) };
    },
    userOf(cookieHeader) {
      const id = readCookie(cookieHeader, SESSION_COOKIE);
      const session = id === undefined ? undefined : sessions.get(id);
      if (id === undefined || session === undefined) return undefined;
      if (session.expiresAtMs <= now()) {
        sessions.delete(id);
        return undefined;
      }
      return users.byId(session.userId);
    },
    destroy(cookieHeader) {
      const id = readCookie(cookieHeader, SESSION_COOKIE);
      if (id !== undefined) sessions.delete(id);
    },
  };
}

/** One cookie's value from a `Cookie` header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
