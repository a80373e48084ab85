import type { z } from 'zod';
import { HTTP_TOKEN_CHARACTER } from './http.js';

/*
 * What a new tool version's invoke config must satisfy before it is stored. A version is kept in events
 * and read models, so its headers are judged there and then, not when the tool is called: a bad one is a
 * 400 naming the field, and nothing reaches the log that could not be sent or should not be kept.
 */

/** `${secret:NAME}` in a header value: resolved when the tool is called, from `AGENT_PLATFORM_SECRET_NAME`. */
export const SECRET_REFERENCE = /\$\{secret:([A-Z0-9_]{1,100})\}/g;

/** RFC 9110 (was RFC 7230) `token`: what a field name may be. */
const HEADER_NAME = new RegExp(`^${HTTP_TOKEN_CHARACTER}{1,256}$`);
/** RFC 9110 field-value characters, as Node checks them: no CR, LF, NUL or other control character but HTAB. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Whether Node would send `value` in a header: a tool's literal value, or the secret a reference stands for. */
export const isHeaderValue = (value: string): boolean => HEADER_VALUE.test(value);
/** Set by the platform or by HTTP itself: a tool's own value would change where or how the request is framed. */
const PLATFORM_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection', 'idempotency-key']);

/**
 * A literal value that looks like a credential. Secret-ness is judged by the value, since a name says
 * nothing reliable (`Authentication`, `x-access-key`, `x-signature` ...): a well-known key prefix, or a
 * token-like run (16 or more characters of a base64/hex alphabet with letters and at least two digits, or
 * 32 or more in both cases), which ids and keys are and words, dates, versions and media types are not.
 */
const KEY_PREFIX =
  /\b(?:(?:sk|pk|rk)[-_](?:live_|test_|proj-|ant-)?|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abprs]-|AKIA|ASIA|AIza|ya29\.|shpat_|npm_|pypi-|hf_|eyJ)[A-Za-z0-9_-]{8,}/;
const TOKEN_RUN = /[A-Za-z0-9+/=_~-]{16,}/g;
const tokenLike = (run: string): boolean =>
  (/[A-Za-z]/.test(run) && (run.match(/[0-9]/g)?.length ?? 0) >= 2) || (run.length >= 32 && /[a-z]/.test(run) && /[A-Z]/.test(run));
/** Without a reference, an authentication scheme says the rest is a credential, however short. */
const AUTH_SCHEME = /^\s*(bearer|basic|digest|token|apikey|api-key|hmac|hoba|mutual|negotiate|ntlm|oauth|hawk|aws4-hmac-sha256|vapid|scram-sha-\d+)(\s|$)/i;
/** A name that says credential: its value must be a reference whatever it looks like (a short password does not look like one). */
const CREDENTIAL_NAME = /authoriz|authent|cookie|token|secret|passw|pwd|api[-_]?key|access[-_]?key|private[-_]?key|signature|credential|session/i;

/** `literal`: the value without its references, judged on its own. */
const looksLikeCredential = (name: string, value: string, literal: string): boolean =>
  KEY_PREFIX.test(literal) ||
  [...literal.matchAll(TOKEN_RUN)].some(([run]) => tokenLike(run)) ||
  (literal === value && (AUTH_SCHEME.test(value) || CREDENTIAL_NAME.test(name)));

/** A query parameter of a URL kept in clear, judged as a header would be: a reference cannot stand there. */
const queryHoldsCredential = (url: string): boolean => {
  const query = url.indexOf('?');
  return query >= 0 && [...new URLSearchParams(url.slice(query + 1))].some(([name, value]) => value !== '' && looksLikeCredential(name, value, value));
};
const IN_QUERY = 'a query parameter looks like a credential, which events and read models would keep in clear: send it in a header, as ${secret:NAME}';

type InvokeRulesInput = { base_url?: string | undefined; path: string; headers: Record<string, string> };

export const checkInvokeConfig = (config: InvokeRulesInput, ctx: z.RefinementCtx): void => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (config.base_url !== undefined) {
    const url = URL.canParse(config.base_url) ? new URL(config.base_url) : undefined;
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') issue(['base_url'], `must be an http or https URL, not ${url.protocol}`);
    // A password in the URL would be kept in clear; a reference cannot stand there.
    else if (url && (url.username || url.password)) issue(['base_url'], 'must not hold a user name or password: send a credential in a header, as ${secret:NAME}');
    else if (queryHoldsCredential(config.base_url)) issue(['base_url'], IN_QUERY);
  }
  if (queryHoldsCredential(config.path)) issue(['path'], IN_QUERY);
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(config.headers)) {
    const path = ['headers', name];
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) issue(path, 'a header name must be an HTTP token: letters, digits and !#$%&\'*+.^_`|~- only');
    else if (PLATFORM_HEADERS.has(lower)) issue(path, `${lower} is set by the platform or by HTTP, not by a tool`);
    else if (seen.has(lower)) issue(path, 'a header appears twice (header names are case-insensitive)');
    seen.add(lower);
    if (!isHeaderValue(value)) {
      issue(path, 'a header value must not hold CR, LF, NUL or another control character');
      continue;
    }
    if (value.length > 8192) issue(path, 'a header value holds at most 8192 characters');
    const literal = value.replace(new RegExp(SECRET_REFERENCE.source, 'g'), '');
    if (literal.includes('${secret:')) issue(path, 'a secret reference is written ${secret:NAME}, NAME in A-Z, 0-9 and _');
    else if (looksLikeCredential(name, value, literal)) {
      issue(path, 'looks like a credential, which events and read models would keep in clear: write ${secret:NAME} and bind AGENT_PLATFORM_SECRET_NAME where the platform runs');
    }
  }
};
