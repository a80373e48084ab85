import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, sessionBody, wholeLog, workspaceClient } from './testing/server.js';

/** `levels` objects nested in one another, as JSON text: `{"a":{"a":1}}` is two. */
const nested = (levels: number): string => `${'{"a":'.repeat(levels - 1)}{"a":1}${'}'.repeat(levels - 1)}`;

describeOnPlatform('input no store could keep: refused at the edge, whatever the route', (server) => {
  const { call, headers: workspace } = workspaceClient(server);
  const raw = (path: string, body: string, headers: Record<string, string> = {}) =>
    server().request('POST', path, { raw: body, headers: { ...workspace(), ...headers } });
  /** A session body whose metadata is `metadata` as JSON text, which may say what JSON.stringify cannot. */
  const withMetadata = (metadata: string) => JSON.stringify(sessionBody({ metadata_json: '<m>' })).replace('"<m>"', metadata);
  const eventCount = async () => (await wholeLog((path) => call('GET', path))).length;

  const expectRefused = async (answer: Awaited<ReturnType<typeof call>>, field: string) => {
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(answer)).to.deep.equal([field]);
    expect(await eventCount()).to.equal(0);
  };

  it('refuses a NUL in a string with a 400 naming the field', async () => {
    await expectRefused(await call('POST', '/sessions', sessionBody({ title: 'a\u0000b' })), 'body.title');
  });

  it('refuses a NUL in a metadata key with a 400 naming the field', async () => {
    await expectRefused(await call('POST', '/sessions', sessionBody({ metadata_json: { 'a\u0000b': 1 } })), 'body.metadata_json.a\\u0000b');
  });

  it('refuses a lone surrogate in a string, in an array or in a key with a 400 naming the field', async () => {
    await expectRefused(await raw('/sessions', withMetadata('{"tags":["ok","\\ud800"]}')), 'body.metadata_json.tags.1');
    await expectRefused(await raw('/sessions', withMetadata('{"\\udc00x":1}')), 'body.metadata_json.\\udc00x');
    // A surrogate pair is a character like any other.
    expect((await raw('/sessions', withMetadata('{"emoji":"\\ud83d\\ude00"}'))).status).to.equal(201);
  });

  it('refuses JSON nested 5,000 levels deep with a 400 naming the field', async () => {
    const answer = await raw('/sessions', withMetadata(nested(5000)));
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).to.have.length(1);
    expect(answer.body.errors[0].field).to.equal(`body.metadata_json${'.a'.repeat(63)}`);
    expect(answer.body.errors[0].message).to.equal('nests deeper than 64 levels');
    expect(await eventCount()).to.equal(0);
  });

  it('takes a body 64 levels deep, and refuses one 65 levels deep', async () => {
    // The body is the first level, and its metadata the rest.
    expect((await raw('/sessions', withMetadata(nested(63)))).status).to.equal(201);
    expectProblem(await raw('/sessions', withMetadata(nested(64))), 400, 'VALIDATION_FAILED');
  });

  it('refuses %00 (or a surrogate) in a GET filter or a path parameter with a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/sessions?user_id=%00', 'query.user_id'],
      ['/tools?code=a%00', 'query.code'],
      ['/streams/a%00b', 'params.stream_id'],
      ['/gateway/sessions?app_id=%00', 'query.app_id'],
      ['/sessions?a%00b=1', 'query.a\\u0000b'],
      // A surrogate encoded in UTF-8 is not UTF-8: the router cannot decode it, nor say which parameter it was in.
      ['/streams/%ED%A0%80', 'params'],
    ] as const) {
      const answer = await call('GET', path);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer), path).to.deep.equal([field]);
    }
  });

  it('refuses a Content-Type that is not a media type (application/json;;;) with a 400 naming it', async () => {
    for (const contentType of ['application/json;;;', 'application/json;', 'application/json; charset', 'application/json,text/plain']) {
      await expectRefused(await raw('/sessions', JSON.stringify(sessionBody()), { 'content-type': contentType }), 'content-type');
    }
    expect((await raw('/sessions', JSON.stringify(sessionBody()), { 'content-type': 'application/json ; charset="utf-8"' })).status).to.equal(201);
  });

  it('refuses a body declared in another charset than UTF-8 (utf-7 was decoded and appended) with a 415', async () => {
    // In UTF-7, `+AAA-` is a NUL: the same bytes would be one title to the parser and another to a proxy.
    for (const contentType of ['application/json; charset=utf-7', 'application/json; charset="UTF-16"', 'application/json;charset=latin1']) {
      const answer = await raw('/sessions', JSON.stringify(sessionBody({ title: 'a+AAA-b' })), { 'content-type': contentType });
      expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await eventCount()).to.equal(0);
    expect((await raw('/sessions', JSON.stringify(sessionBody()), { 'content-type': 'application/json; charset=UTF-8' })).status).to.equal(201);
  });
});
