// dependency-cruiser: the layer rules of /work/shared/ARCHITECTURE.md ("two typed seams"), checked on
// every `npm run lint` and `npm test`. Layers, top to bottom:
//   main.ts / index.ts / app.ts (composition root) → http/ → protocol/ → actions/ → storage/engine.ts
//   → storage/{memory,sqlite,postgres}/ ; runtime/ (waiters, move-task runner) serves the actions;
//   core/ (clock, random, ids, receipts, ARNs) is the leaf everybody may use; errors/ is shared.
// Type-only imports count (tsPreCompilationDeps): a type from the wrong layer is still a wrong edge.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and layers meaningless: break the cycle by moving the shared piece down.',
      from: { path: '^(src|test|bench|console)/' },
      to: { circular: true },
    },
    {
      name: 'core-is-a-leaf',
      severity: 'error',
      comment: 'src/core/ (clock, random, ids, receipts, ARNs, attribute types) must not import any other layer of src/.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'authorization-core-is-pure',
      severity: 'error',
      comment:
        'The authorization core (src/auth/policy/ and src/auth/permissions.ts) is pure: it imports src/core/ and its own files only — no I/O, engine, HTTP, errors/ or node: builtins — so a decision depends on its inputs alone.',
      from: { path: '^src/auth/(policy/|permissions\\.ts$)' },
      to: { pathNot: '^src/(core|auth/policy)/' },
    },
    {
      name: 'storage-below-actions',
      severity: 'error',
      comment:
        'src/storage/ is below the action layer: no imports from actions/, runtime/, protocol/, http/, config/ or the composition root (app.ts, index.ts, main.ts).',
      from: { path: '^src/storage/' },
      to: { path: ['^src/(actions|runtime|protocol|http|config)/', '^src/(app|index|main)\\.ts$'] },
    },
    {
      name: 'engines-are-independent',
      severity: 'error',
      comment: 'One storage engine must not import another: what they share lives in storage/ (engine.ts, codec.ts, semantics/).',
      from: { path: '^src/storage/(memory|sqlite|postgres)/' },
      to: { path: '^src/storage/(memory|sqlite|postgres)/', pathNot: '^src/storage/$1/' },
    },
    {
      name: 'protocol-not-to-engines',
      severity: 'error',
      comment: 'src/protocol/ is wire only: it must not import a storage engine.',
      from: { path: '^src/protocol/' },
      to: { path: '^src/storage/(memory|sqlite|postgres)/' },
    },
    {
      name: 'actions-not-to-http-or-engines',
      severity: 'error',
      comment: 'Actions see typed inputs and the StorageEngine interface only: no http/, no concrete engine.',
      from: { path: '^src/actions/' },
      to: { path: ['^src/http/', '^src/storage/(memory|sqlite|postgres)/'] },
    },
    {
      name: 'monitoring-observes',
      severity: 'error',
      comment:
        'src/monitoring/ observes outcomes (events, the engine interface, request reports); it imports no action, runtime, protocol, HTTP, config or concrete engine code, and the composition root wires it.',
      from: { path: '^src/monitoring/' },
      to: {
        path: [
          '^src/(actions|runtime|protocol|http|config|console)/',
          '^src/storage/(memory|sqlite|postgres)/',
          '^src/(app|index|main|banner)\\.ts$',
        ],
      },
    },
    {
      name: 'console-not-to-engines',
      severity: 'error',
      comment:
        'The console (src/console/) reads storage through the StorageEngine interface and calls the actions; it never imports a concrete engine.',
      from: { path: '^src/console/' },
      to: { path: '^src/storage/(memory|sqlite|postgres)/' },
    },
    {
      name: 'src-not-to-test-or-bench',
      severity: 'error',
      comment: 'The shipped package (src/) must not import test or benchmark code.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'src-not-to-dev-deps',
      severity: 'error',
      comment: 'The shipped package must not import a devDependency: it would be missing after `npm install ferry-sqs`.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'console-app-not-to-server',
      severity: 'error',
      comment:
        'The browser app (console/src) talks to Ferry over HTTP only: it may share types with src/ (erased at build), never import its code, which is Node-only.',
      from: { path: '^console/' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-not-to-console-app',
      severity: 'error',
      comment: 'src/ serves the built console (dist/console) as files; it must not import the app source.',
      from: { path: '^(src|test|bench)/' },
      to: { path: '^console/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
