import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, wholeLog } from './testing/server.js';

const MAX_TIMEOUT_SECONDS = 5;

describeOnPlatform(
  'code runner: POST /code/run, direct and under /gateway',
  (server) => {
    const ws = { 'x-workspace-id': freshWorkspace() };
    const run = (body: unknown, prefix = '') => server().request('POST', `${prefix}/code/run`, { body, headers: ws });

    it('runs Python with its input and answers what it printed and returned, at both paths', async () => {
      for (const prefix of ['', '/gateway']) {
        const answer = await run({ language: 'python', code: 'print("hi", input_json["name"])\nresult = {"greeting": "Hello " + input_json["name"]}', input_json: { name: 'Lucas' } }, prefix);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        expect(answer.body).to.deep.include({ stdout: 'hi Lucas\n', stderr: '', exit_code: 0, result_json: { greeting: 'Hello Lucas' }, timed_out: false });
        expect(answer.body.duration_ms).to.be.a('number');
      }
    });

    it('runs JavaScript, and answers a null result_json when the program sets none', async () => {
      const answer = await run({ language: 'javascript', code: 'console.log(input_json.length)', input_json: [1, 2, 3] });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ stdout: '3\n', exit_code: 0, result_json: null, timed_out: false });
    });

    it('answers a program stopped at its timeout with timed_out and no exit code', async () => {
      const answer = await run({ language: 'python', code: 'while True: pass', timeout_seconds: 0.5 });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ timed_out: true, exit_code: null });
    });

    it('refuses bad input with a problem naming the field, and appends nothing', async () => {
      const cases: [unknown, string][] = [
        [{ language: 'python', code: 'print(1)', timeout_seconds: MAX_TIMEOUT_SECONDS + 1 }, 'body.timeout_seconds'],
        [{ language: 'python', code: 'print(1)', timeout_seconds: 0 }, 'body.timeout_seconds'],
        [{ language: 'ruby', code: 'puts 1' }, 'body.language'],
        [{ language: 'python' }, 'body.code'],
        [{ language: 'python', code: '' }, 'body.code'],
        [{ language: 'python', code: 'print(1)', input_json: { text: 'a\u0000b' } }, 'body.input_json.text'],
      ];
      for (const [body, field] of cases) {
        const answer = await run(body);
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(answer), JSON.stringify(body)).to.include(field);
      }
      expect(await wholeLog((path) => server().request('GET', path, { headers: ws }))).to.deep.equal([]);
    });

    it('says in /ready that the runner isolates with bubblewrap, and in which languages', async () => {
      const ready = await server().request('GET', '/ready');
      expect(ready.body.code_runner).to.deep.equal({ available: true, isolation: 'bubblewrap+seccomp', languages: ['python', 'javascript'] });
    });
  },
  { env: { AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: String(MAX_TIMEOUT_SECONDS) } },
);
