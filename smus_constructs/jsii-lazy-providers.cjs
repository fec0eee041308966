'use strict';
/**
 * Preload for the jsii kernel's Node process: load the provider packages through their lazy entry point.
 *
 * Why: the kernel `require()`s each assembly's `main` once when Python imports it. For @cdktn/provider-aws and
 * @cdktn/provider-awscc that is `lib/index.js`, which eagerly requires every one of their thousands of submodules:
 * about 11 s and 1.8 GB before any of our code runs. Both packages also ship `lib/lazy-index.js`, generated with
 * the same export names, each submodule behind a getter. The kernel (jsii >= 1.19) finds a class by walking its
 * fully qualified name through those exports, so a getter is all it needs and only the submodules we use load.
 *
 * What: one resolve hook. A resolution that lands on `@cdktn/provider-<name>/lib/index.js` is sent to the sibling
 * `lazy-index.js`, only when that file exists; everything else resolves exactly as before.
 *
 * Wired in by smus_constructs/runtime.py (NODE_OPTIONS=--require <this file>). SMUS_EAGER_PROVIDERS=1 turns it off, also
 * for a process that inherited NODE_OPTIONS. Safety nets live in tests/test_fast_synth.py.
 */
const { existsSync } = require('node:fs');
const nodeModule = require('node:module');
const { fileURLToPath, pathToFileURL } = require('node:url');

const PROVIDER_ENTRY = /[\\/]@cdktn[\\/]provider-[^\\/]+[\\/]lib[\\/]index\.js$/;

function switchedOff() {
  const value = process.env.SMUS_EAGER_PROVIDERS;
  return value !== undefined && value !== '' && value !== '0';
}

/** The lazy sibling of a provider's eager entry, or undefined when `url` is not one or the package ships none. */
function lazyEntryFor(url) {
  if (!url.startsWith('file:')) return undefined;
  const file = fileURLToPath(url);
  if (!PROVIDER_ENTRY.test(file)) return undefined;
  const lazy = file.slice(0, -'index.js'.length) + 'lazy-index.js';
  return existsSync(lazy) ? pathToFileURL(lazy).href : undefined;
}

// No fallback for a Node without module.registerHooks (added in 22.15): the project pins Node 22.23 for the kernel
// (JSII_NODE), and on an older Node the eager path is still correct, only slow. Patching the CommonJS loader's
// private functions to cover that case would trade a speed-up for a break on some future Node.
if (!switchedOff() && typeof nodeModule.registerHooks === 'function') {
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      const lazy = lazyEntryFor(resolved.url);
      return lazy === undefined ? resolved : { ...resolved, url: lazy };
    },
  });
}
