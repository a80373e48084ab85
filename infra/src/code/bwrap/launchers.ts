/*
 * The result protocol (docs/code-runner.md): a small launcher, given on the interpreter's command line, reads
 * `input.json` into a global `input_json`, runs `main.py` / `main.js` as a top-level script, and writes the
 * global `result`, when the program set one, as JSON to the result descriptor. The input is also the
 * program's stdin, for programs written as filters. The launchers hide their own names from the program:
 * Python runs it in a namespace of its own, node inside a function.
 */
import type { CodeLanguage } from '../port.js';
import { RESULT_FD } from './sandbox.js';

/** A path as a string literal of both languages. */
const at = (workdir: string, file: string): string => JSON.stringify(`${workdir}/${file}`);

const python = (workdir: string) => `
import json, sys, traceback
def _result(namespace):
    if 'result' not in namespace:
        return
    try:
        text = json.dumps(namespace['result'], allow_nan=False)
    except (TypeError, ValueError) as error:
        print(f'result is not JSON: {error}', file=sys.stderr)
        sys.exit(1)
    with open(${RESULT_FD}, 'w', encoding='utf-8', closefd=False) as out:
        out.write(text)
def _run():
    with open(${at(workdir, 'input.json')}, encoding='utf-8') as f:
        data = json.load(f)
    with open(${at(workdir, 'main.py')}, encoding='utf-8') as f:
        source = f.read()
    namespace = {'__name__': '__main__', '__file__': ${at(workdir, 'main.py')}, '__builtins__': __builtins__, 'input_json': data}
    sys.argv = [${at(workdir, 'main.py')}]
    try:
        exec(compile(source, ${at(workdir, 'main.py')}, 'exec'), namespace)
    except SystemExit:
        _result(namespace)
        raise
    except BaseException as error:
        traceback.print_exception(type(error), error, error.__traceback__.tb_next)  # the program's frames, not this launcher's
        sys.exit(1)
    _result(namespace)
_run()
`;

/** A promise in `result` is awaited; the value is written at exit, so timers that set it later count too. */
const javascript = (workdir: string) => `(() => {
  const fs = require('node:fs');
  const vm = require('node:vm');
  globalThis.input_json = JSON.parse(fs.readFileSync(${at(workdir, 'input.json')}, 'utf8'));
  const current = () => vm.runInThisContext('typeof result === "undefined" ? undefined : result');
  let settled = { done: false, value: undefined };
  process.on('exit', () => {
    const value = settled.done ? settled.value : current();
    if (value === undefined || typeof value?.then === 'function') return;
    let text;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      process.stderr.write('result is not JSON: ' + error.message + '\\n');
      process.exitCode = 1;
      return;
    }
    if (text !== undefined) fs.writeSync(${RESULT_FD}, text);
  });
  vm.runInThisContext(fs.readFileSync(${at(workdir, 'main.js')}, 'utf8'), { filename: ${at(workdir, 'main.js')} });
  const value = current();
  if (typeof value?.then === 'function') value.then((v) => { settled = { done: true, value: v }; });
})();`;

export const CODE_FILES: Record<CodeLanguage, string> = { python: 'main.py', javascript: 'main.js' };

/**
 * The interpreter's arguments. Python: isolated mode (-I: no PYTHON* variable, no user site, no script
 * directory on the path), no bytecode files. Node: one V8 worker thread, since each thread counts against the
 * process limit. `workdir` is where the program's files are: the sandbox's, or a bare run's in the bench.
 */
export const launcherArgs = (language: CodeLanguage, interpreter: string, workdir: string): string[] =>
  language === 'python' ? [interpreter, '-I', '-B', '-c', python(workdir)] : [interpreter, '--v8-pool-size=1', '-e', javascript(workdir)];
