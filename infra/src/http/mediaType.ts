import type { NextFunction, Request, Response } from 'express';
import { HTTP_TOKEN_CHARACTER, UnsupportedMediaType, ValidationError } from '@agent-platform/contracts';

// RFC 9110 §5.6: a token, and a quoted string with its escapes.
const TOKEN = `${HTTP_TOKEN_CHARACTER}+`;
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"';
/**
 * `type/subtype` and `; name=value` parameters, nothing else. RFC 9110 tolerates empty parameters
 * (`;;`); this takes RFC 7231's stricter grammar, as a header that loose is more likely a forged or
 * broken client than a real one, and parsers that disagree about it disagree about the body too.
 * Tokens hold no `;`, space or quote, so the expression never backtracks far.
 */
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

const isMediaType = (value: string): boolean => MEDIA_TYPE.test(value);

const CHARSET = new RegExp(`;[ \\t]*charset=(${TOKEN}|${QUOTED})`, 'i');

/**
 * JSON is UTF-8 (RFC 8259 §8.1), and every body the platform reads is JSON. A `charset` saying
 * otherwise is refused rather than honoured: the body parser would decode `utf-7`, so the same bytes
 * would mean one thing to us and another to every proxy and log on the way.
 */
const declaresOtherCharset = (value: string): boolean => {
  const charset = CHARSET.exec(value)?.[1]?.replace(/^"|"$/g, '').toLowerCase();
  return charset !== undefined && charset !== 'utf-8';
};

/** A `Content-Type` that is not a media type is refused before any body parser reads by it. */
export const strictContentType = (req: Request, _res: Response, next: NextFunction): void => {
  const contentType = req.headers['content-type'];
  if (contentType === undefined) return next();
  if (isMediaType(contentType)) return next(declaresOtherCharset(contentType) ? new UnsupportedMediaType(contentType) : undefined);
  next(new ValidationError([{ field: 'content-type', message: 'must be a media type: type/subtype, then only ; name=value parameters' }]));
};
