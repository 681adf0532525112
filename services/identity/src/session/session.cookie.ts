import type {} from '@fastify/cookie'; // adds setCookie/clearCookie to FastifyReply
import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../access/authenticator';

/** How the session cookie is set, wherever a sign-in ends (password mutation or OIDC callback). */
export const SESSION_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;

/** Hands a new session to the browser as an HTTP-only cookie that ends with the session. */
export function setSessionCookie(reply: FastifyReply, session: { secret: string; expiresAt: Date }): void {
  reply.setCookie(SESSION_COOKIE, session.secret, { ...SESSION_COOKIE_OPTIONS, expires: session.expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
}
