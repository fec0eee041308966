'use strict';
/**
 * Print, as JSON, the export names of a provider entry file (`lib/index.js` or `lib/lazy-index.js`).
 *
 * Used by tests/test_fast_synth.py to prove both entries export the same names, which is what makes the lazy-provider
 * preload safe. Running the eager entry for real would cost seconds and gigabytes and needs the kernel's peer packages,
 * so every submodule the entry requires is replaced by an empty stub: the names are the entry's own assignments.
 * If the entry copies names out of a submodule (`export * from`), a stub would hide them, so that is reported in
 * `copied` and the caller fails rather than compare an incomplete list.
 *
 * Usage: node provider-export-names.cjs <entry.js>   (Node >= 22.15, for module.registerHooks)
 */
const { registerHooks } = require('node:module');
const { resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

const entryPath = resolve(process.argv[2]);
const entryUrl = pathToFileURL(entryPath).href;
const STUB = '?export-names-stub';
const copied = [];

globalThis.__exportNamesStub = (id) =>
  new Proxy(
    { __esModule: true },
    {
      ownKeys(target) {
        copied.push(id);
        return Reflect.ownKeys(target);
      },
    },
  );

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (context.parentURL === entryUrl && specifier.startsWith('.')) {
      return { url: new URL(specifier, entryUrl).href + STUB, format: 'commonjs', shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (url.endsWith(STUB)) {
      return { format: 'commonjs', source: 'module.exports = globalThis.__exportNamesStub(module.id);', shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});

const exported = require(entryPath);
if (require.cache[entryPath] === undefined) {
  // Another hook (e.g. the lazy-provider preload) swapped the file: the names would not be this entry's.
  throw new Error(`${entryPath} was resolved to another file; run with SMUS_EAGER_PROVIDERS=1`);
}
const names = Object.getOwnPropertyNames(exported).sort();
process.stdout.write(JSON.stringify({ names, copied }));
