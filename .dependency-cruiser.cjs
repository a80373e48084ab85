/** The layering rules of ARCHITECTURE.md, checked on every `npm test`. */

/** A read model is read from outside its projector only through the projectors' typed readers, never its tables or internals. */
const PROJECTOR_READERS = '^projectors/src/readers\\.ts$';

/** All the processors use of the command side: the one write path, the deciders and the run executor port. */
const COMMAND_API_COMMANDS = '^command-api/src/commands\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'contracts-import-nothing-of-ours',
      severity: 'error',
      from: { path: '^contracts/src/' },
      to: { path: '^(infra|command-api|query-api|projectors|processors|scripts)/' },
    },
    {
      name: 'infra-imports-only-contracts',
      severity: 'error',
      from: { path: '^infra/src/' },
      to: { path: '^(command-api|query-api|projectors|processors|scripts)/' },
    },
    {
      name: 'command-api-never-imports-queries-or-reactors',
      comment: 'It may read a read model through the projectors\' readers only.',
      severity: 'error',
      from: { path: '^command-api/src/' },
      to: { path: '^(query-api|projectors|processors|scripts)/', pathNot: PROJECTOR_READERS },
    },
    {
      name: 'query-side-never-imports-command-side',
      severity: 'error',
      from: { path: '^(query-api|projectors)/src/' },
      to: { path: '^(command-api|processors|scripts)/' },
    },
    {
      name: 'query-api-reads-only-through-projectors-readers',
      severity: 'error',
      from: { path: '^query-api/src/' },
      to: { path: '^projectors/', pathNot: PROJECTOR_READERS },
    },
    {
      name: 'processors-never-import-queries-or-scripts',
      comment: 'They read a read model, to find work in it, through the projectors\' readers only.',
      severity: 'error',
      from: { path: '^processors/src/' },
      to: { path: '^(query-api|projectors|scripts)/', pathNot: PROJECTOR_READERS },
    },
    {
      name: 'processors-only-use-the-command-entry-point',
      comment:
        'sendCommand, the deciders and the run executor port, through @agent-platform/command-api/commands. ' +
        'A spec may also drive the command API\'s side, to test the processors against it.',
      severity: 'error',
      from: { path: '^processors/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^command-api/', pathNot: COMMAND_API_COMMANDS },
    },
    {
      name: 'deciders-are-pure',
      comment: 'A decider imports nothing from infra and does no I/O.',
      severity: 'error',
      from: { path: '^command-api/src/[^/]+/decider\\.ts$' },
      to: { path: '^infra/|^node_modules/(pg|knex|express)/|^(fs|net|http|https|child_process)$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-reaching-into-another-package',
      comment: 'Packages import each other only through their curated index.',
      severity: 'error',
      from: { path: '^([^/]+)/src/' },
      to: { path: '^node_modules/@agent-platform/[^/]+/(src|dist)/(?!index\\.ts$|index\\.js$|readers\\.(ts|js)$|commands\\.(ts|js)$|testing/index\\.(ts|js)$)' },
    },
    {
      name: 'domain-modules-are-assembled-in-the-composition-root',
      comment:
        "A domain's module (`<package>/src/<domain>/module.ts`, exported as `@agent-platform/<package>/<domain>/module`) " +
        'is imported from outside its package by the list of domains only, so the platform is assembled in one place.',
      severity: 'error',
      from: { path: '^([^/]+)/src/', pathNot: '^scripts/src/domains\\.ts$' },
      to: { path: '^(command-api|query-api|projectors|processors)/src/[^/]+/module\\.ts$', pathNot: '^$1/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['source', 'import', 'default'] },
    combinedDependencies: false,
  },
};
