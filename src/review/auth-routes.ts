import { createHash, randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../web/html.ts';
import { chooseLang, type Lang } from '../portal/i18n.ts';
import type { AppContext } from '../context.ts';
import { OrderCaptureError } from '../errors.ts';
import { errorResponse, HttpError } from '../http/errors.ts';
import { logEvent } from '../store/events.ts';
import {
  authenticate,
  checkCsrf,
  clearOperatorCookie,
  createSession,
  createUser,
  deleteSession,
  disableUser,
  findOperator,
  LoginRateLimiter,
  listUsers,
  loadOperator,
  normalizeLogin,
  type Operator,
  operatorCookie,
  operatorOf,
  requireOperator,
  setOperatorCookie,
  type UserRow,
  userActor,
} from './auth.ts';

export interface AuthRoutesOptions {
  ctx: AppContext;
  /** Failed-login counter; one per plugin instance unless given (tests pass their own clock). */
  limiter?: LoginRateLimiter;
}

const en = {
  signIn: 'Sign in',
  signInTitle: 'Order review: sign in',
  login: 'Login',
  password: 'Password',
  wrongLogin: 'Wrong login or password.',
  tooMany: 'Too many failed attempts. Please try again in {minutes} min.',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  review: 'Review queue',
  users: 'Users',
  name: 'Name',
  role: 'Role',
  language: 'Language',
  status: 'Status',
  active: 'active',
  disabled: 'disabled',
  disable: 'Disable',
  createUser: 'New user',
  create: 'Create user',
  passwordHint: 'At least 10 characters. Leave empty to generate one.',
  created: 'User {login} created.',
  generated: 'Their password, shown only this once:',
  role_operator: 'operator',
  role_admin: 'admin',
  lang_auto: 'from the browser',
  error: 'Something went wrong',
  unauthorized: 'Please sign in again.',
  forbidden: 'You are not allowed to do this.',
  csrf: 'The form has expired or did not come from this site. Please reload the page and try again.',
  notFound: 'There is no such page or user.',
  toLogin: 'Go to sign-in',
  notSelf: 'You cannot disable your own account.',
};

type Texts = typeof en;

const es: Texts = {
  signIn: 'Entrar',
  signInTitle: 'Revisión de pedidos: iniciar sesión',
  login: 'Usuario',
  password: 'Contraseña',
  wrongLogin: 'Usuario o contraseña incorrectos.',
  tooMany: 'Demasiados intentos fallidos. Vuelva a intentarlo dentro de {minutes} min.',
  signOut: 'Cerrar sesión',
  signedInAs: 'Sesión de',
  review: 'Cola de revisión',
  users: 'Usuarios',
  name: 'Nombre',
  role: 'Rol',
  language: 'Idioma',
  status: 'Estado',
  active: 'activo',
  disabled: 'desactivado',
  disable: 'Desactivar',
  createUser: 'Nuevo usuario',
  create: 'Crear usuario',
  passwordHint: 'Al menos 10 caracteres. Déjela vacía para generar una.',
  created: 'Usuario {login} creado.',
  generated: 'Su contraseña, que solo se muestra esta vez:',
  role_operator: 'operador',
  role_admin: 'administrador',
  lang_auto: 'según el navegador',
  error: 'Algo ha fallado',
  unauthorized: 'Inicie sesión de nuevo, por favor.',
  forbidden: 'No tiene permiso para hacer esto.',
  csrf: 'El formulario ha caducado o no procede de este sitio. Vuelva a cargar la página e inténtelo de nuevo.',
  notFound: 'No existe esa página o usuario.',
  toLogin: 'Ir a iniciar sesión',
  notSelf: 'No puede desactivar su propia cuenta.',
};

interface ReviewView {
  lang: Lang;
  t: Texts;
  operator: Operator | null;
}

/** The operator's own language, else the browser's. */
export function reviewViewOf(request: FastifyRequest): ReviewView {
  const operator = findOperator(request);
  const lang = operator?.language ?? chooseLang(request.headers['accept-language']);
  return { lang, t: lang === 'es' ? es : en, operator };
}

/** A complete page: no scripts, no external URLs, works without JavaScript. */
export function reviewPage(v: ReviewView, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · order-capture</title>
<link rel="stylesheet" href="/review/assets/review.css">
</head>
<body>
${v.operator ? nav(v.t, v.operator) : ''}
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}

function nav(t: Texts, o: Operator): SafeHtml {
  return html`<header>
<span>${t.signedInAs}: <strong>${o.name}</strong> (${o.login})</span>
<nav><a href="/review">${t.review}</a>${o.role === 'admin' ? html` <a href="/review/admin/users">${t.users}</a>` : ''}</nav>
<form method="post" action="/review/logout">
<input type="hidden" name="_csrf" value="${o.csrf}">
<button type="submit">${t.signOut}</button>
</form>
</header>`;
}

const sendHtml = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** Where to go after signing in: a local review path only, never another site. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/review';
  if (!/^\/review(?:[/?#]|$)/.test(next)) return '/review';
  // Visible ASCII only (no blanks, no control characters), no backslash, no dot segments.
  if (!/^[!-~]*$/.test(next) || next.includes('\\') || /\/\.\.?(?:[/?#]|$)/.test(next)) return '/review';
  return next;
}

const field = (body: unknown, name: string): string => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

/**
 * What the audit log keeps of a failed sign-in's login: the login when it is one of ours, else
 * only a hash of it. People type their password into the login field; it must not be kept.
 */
export function auditedLogin(login: string, reason: string): { login: string } | { loginSha256: string } {
  const normalized = normalizeLogin(login);
  if (reason !== 'unknown_login') return { login: normalized };
  return { loginSha256: createHash('sha256').update(normalized, 'utf8').digest('hex').slice(0, 16) };
}

/** Form posts whose Origin names another site are refused (defence in depth next to SameSite). */
function foreignOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/**
 * Error answers of the review workspace: a page for browsers, the usual JSON body otherwise.
 * Usable by other review plugins: `app.setErrorHandler(reviewErrorHandler(ctx))`.
 */
export function reviewErrorHandler(ctx: AppContext) {
  return (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const r = errorResponse(ctx, request, err);
    if (!(request.headers.accept ?? '').includes('text/html')) {
      return reply.code(r.status).type('application/json; charset=utf-8').send(r.body);
    }
    const v = reviewViewOf(request);
    const isCsrf = r.status === 403 && r.body.error.message.startsWith('csrf:');
    const text =
      r.status === 401
        ? v.t.unauthorized
        : isCsrf
          ? v.t.csrf
          : r.status === 403
            ? v.t.forbidden
            : r.status === 404
              ? v.t.notFound
              : r.body.error.message;
    const link = r.status === 401 ? html`<p><a href="/review/login">${v.t.toLogin}</a></p>` : '';
    return sendHtml(reply.code(r.status), reviewPage(v, v.t.error, html`<p>${text}</p>${link}`));
  };
}

/**
 * Sign-in, sign-out and user administration of the review workspace (`/review/login`,
 * `/review/logout`, `/review/admin/users`). An encapsulated plugin: its form parser and error
 * handler apply to its own routes only.
 */
export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { ctx } = opts;
  const limiter = opts.limiter ?? new LoginRateLimiter();
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  app.setErrorHandler(reviewErrorHandler(ctx));

  const loginForm = (
    request: FastifyRequest,
    values: { login: string; next: string },
    message: string | null,
  ) => {
    const v = reviewViewOf(request);
    return reviewPage(
      v,
      v.t.signInTitle,
      html`${message ? html`<p role="alert">${message}</p>` : ''}
<form method="post" action="/review/login">
<input type="hidden" name="next" value="${safeNext(values.next)}">
<p><label for="login">${v.t.login}</label><br>
<input id="login" name="login" value="${values.login}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></p>
<p><label for="password">${v.t.password}</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">${v.t.signIn}</button></p>
</form>`,
    );
  };

  app.get('/review/login', async (request, reply) => {
    await loadOperator(ctx, request); // only for the language of someone already signed in
    const next = (request.query as { next?: unknown } | undefined)?.next;
    return sendHtml(reply, loginForm(request, { login: '', next: safeNext(next) }, null));
  });

  app.post('/review/login', async (request, reply) => {
    if (foreignOrigin(request)) throw new HttpError('forbidden', 'csrf: cross-site sign-in refused');
    const login = field(request.body, 'login').trim().slice(0, 200);
    const password = field(request.body, 'password');
    const next = safeNext(field(request.body, 'next'));
    const t = reviewViewOf(request).t;
    // Counted before the password is checked: parallel guesses cannot all pass a check made first.
    const wait = await limiter.attempt(ctx.db, request.ip, login);
    if (wait > 0) {
      ctx.log.warn('review sign-in rate-limited', { reqId: request.id, ip: request.ip });
      const text = t.tooMany.replace('{minutes}', String(Math.ceil(wait / 60)));
      return sendHtml(
        reply.code(429).header('Retry-After', String(wait)),
        loginForm(request, { login, next }, text),
      );
    }
    const result = await authenticate(ctx.db, login, password);
    if (!result.ok) {
      await logEvent(ctx.db, {
        actor: 'system:review-login',
        kind: 'user.sign_in_failed',
        detail: { ...auditedLogin(login, result.reason), ip: request.ip, reason: result.reason },
      });
      return sendHtml(reply.code(401), loginForm(request, { login, next }, t.wrongLogin));
    }
    await limiter.succeed(ctx.db, request.ip, login);
    const { user } = result;
    const session = await ctx.db.transaction(async (tx) => {
      const s = await createSession(tx, user.id);
      await logEvent(tx, {
        actor: userActor(user.login),
        kind: 'user.signed_in',
        detail: { userId: user.id, ip: request.ip },
      });
      return s;
    });
    setOperatorCookie(request, reply, session.token);
    return reply.redirect(next, 303);
  });

  app.post('/review/logout', { onRequest: requireOperator(ctx) }, async (request, reply) => {
    checkCsrf(request);
    const o = operatorOf(request);
    await ctx.db.transaction(async (tx) => {
      await deleteSession(tx, operatorCookie(request));
      await logEvent(tx, { actor: userActor(o.login), kind: 'user.signed_out', detail: { userId: o.id } });
    });
    clearOperatorCookie(request, reply);
    return reply.redirect('/review/login', 303);
  });

  const admin = { onRequest: requireOperator(ctx, { admin: true }) };

  const usersPage = async (
    request: FastifyRequest,
    notice: SafeHtml | null,
    values: { login: string; name: string; role: string; language: string } = {
      login: '',
      name: '',
      role: 'operator',
      language: '',
    },
  ) => {
    const v = reviewViewOf(request);
    const o = operatorOf(request);
    const users = await listUsers(ctx.db);
    const option = (value: string, label: string, current: string) =>
      html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
    return reviewPage(
      v,
      v.t.users,
      html`${notice ?? ''}
<table>
<thead><tr><th>${v.t.login}</th><th>${v.t.name}</th><th>${v.t.role}</th><th>${v.t.language}</th><th>${v.t.status}</th><th></th></tr></thead>
<tbody>
${users.map(
  (u: UserRow) => html`<tr>
<td>${u.login}</td><td>${u.name}</td><td>${u.role === 'admin' ? v.t.role_admin : v.t.role_operator}</td>
<td>${u.language ?? v.t.lang_auto}</td><td>${u.disabled ? v.t.disabled : v.t.active}</td>
<td>${
    u.disabled || u.id === o.id
      ? ''
      : html`<form method="post" action="/review/admin/users/${u.id}/disable">
<input type="hidden" name="_csrf" value="${o.csrf}"><button type="submit">${v.t.disable}</button></form>`
  }</td>
</tr>
`,
)}
</tbody>
</table>
<h2>${v.t.createUser}</h2>
<form method="post" action="/review/admin/users">
<input type="hidden" name="_csrf" value="${o.csrf}">
<p><label for="login">${v.t.login}</label><br>
<input id="login" name="login" value="${values.login}" autocapitalize="none" spellcheck="false" required></p>
<p><label for="name">${v.t.name}</label><br>
<input id="name" name="name" value="${values.name}" required></p>
<p><label for="role">${v.t.role}</label><br>
<select id="role" name="role">${option('operator', v.t.role_operator, values.role)}${option('admin', v.t.role_admin, values.role)}</select></p>
<p><label for="language">${v.t.language}</label><br>
<select id="language" name="language">${option('', v.t.lang_auto, values.language)}${option('es', 'español', values.language)}${option('en', 'English', values.language)}</select></p>
<p><label for="password">${v.t.password}</label><br>
<input id="password" name="password" type="password" autocomplete="new-password"><br>
<small>${v.t.passwordHint}</small></p>
<p><button type="submit">${v.t.create}</button></p>
</form>`,
    );
  };

  app.get('/review/admin/users', admin, async (request, reply) =>
    sendHtml(reply, await usersPage(request, null)),
  );

  app.post('/review/admin/users', admin, async (request, reply) => {
    checkCsrf(request);
    const o = operatorOf(request);
    const t = reviewViewOf(request).t;
    const values = {
      login: field(request.body, 'login'),
      name: field(request.body, 'name'),
      role: field(request.body, 'role'),
      language: field(request.body, 'language'),
    };
    const typed = field(request.body, 'password');
    const password = typed || randomBytes(12).toString('base64url');
    try {
      const user = await createUser(
        ctx.db,
        {
          login: values.login,
          name: values.name,
          role: values.role as 'operator' | 'admin',
          language: values.language === '' ? null : (values.language as 'es' | 'en'),
          password,
        },
        userActor(o.login),
      );
      const notice = html`<p role="status">${t.created.replace('{login}', user.login)}</p>${
        typed ? '' : html`<p>${t.generated} <code>${password}</code></p>`
      }`;
      return sendHtml(reply.code(201), await usersPage(request, notice));
    } catch (err) {
      if (err instanceof OrderCaptureError && err.code === 'input_invalid') {
        const notice = html`<p role="alert">${err.message}</p>`;
        return sendHtml(reply.code(400), await usersPage(request, notice, values));
      }
      throw err;
    }
  });

  app.post('/review/admin/users/:id/disable', admin, async (request, reply) => {
    checkCsrf(request);
    const o = operatorOf(request);
    const raw = (request.params as { id?: string }).id ?? '';
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    if (id === o.id) {
      const notice = html`<p role="alert">${reviewViewOf(request).t.notSelf}</p>`;
      return sendHtml(reply.code(400), await usersPage(request, notice));
    }
    if (id === null || !(await disableUser(ctx.db, id, userActor(o.login)))) {
      throw new HttpError('not_found', 'no such user');
    }
    return reply.redirect('/review/admin/users', 303);
  });
}
