// The compatibility check of the code served to lobby screens (scripts/test runs it through
// tests/test_player_compat.py): it must parse and run on Chromium 64, the oldest engine a
// court's screen may have. Syntax past ES2017 fails to parse; a Web or ES API that Chromium 64
// lacks is reported unless it sits behind a feature test (`if (x.y)`, `'y' in x`).
import compat from 'eslint-plugin-compat';
import esx from 'eslint-plugin-es-x';
import globals from 'globals';

const OLDEST_ENGINE = ['chrome >= 64'];
const NEWER_METHODS = [
  ['flat', 'Chromium 69: use concatAll() of compat.js'],
  ['flatMap', 'Chromium 69: use concatAll() of compat.js'],
  ['replaceChildren', 'Chromium 86: use replaceChildren() of compat.js'],
  ['replaceAll', 'Chromium 85: use replace() with a /g pattern'],
  ['matchAll', 'Chromium 73'],
  ['findLast', 'Chromium 97'],
  ['findLastIndex', 'Chromium 97'],
  ['toggleAttribute', 'Chromium 69'],
].map(([property, message]) => ({ property, message: `${message}.` }));

export default [
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    plugins: { compat, 'es-x': esx },
    settings: {
      browsers: OLDEST_ENGINE,
      lintAllEsApis: true,
      // compat.js puts its own AbortController in place where the engine has none.
      polyfills: ['AbortController'],
    },
    rules: {
      'compat/compat': 'error',
      // ES2018+ built-ins that eslint-plugin-compat may not know, named in the house rules.
      ...esx.configs['flat/no-new-in-es2018'].rules,
      ...esx.configs['flat/no-new-in-es2019'].rules,
      ...esx.configs['flat/no-new-in-es2020'].rules,
      ...esx.configs['flat/no-new-in-es2021'].rules,
      ...esx.configs['flat/no-new-in-es2022'].rules,
      ...esx.configs['flat/no-new-in-es2023'].rules,
      ...esx.configs['flat/no-new-in-es2024'].rules,
      ...esx.configs['flat/no-new-in-esnext'].rules,
      // Chromium 63 has it already.
      'es-x/no-promise-prototype-finally': 'off',
      'no-undef': 'error',
      // Methods newer than Chromium 64 on values whose type neither plugin can tell.
      'no-restricted-properties': ['error', ...NEWER_METHODS],
    },
  },
  {
    // The service worker is a classic script in a worker's global scope.
    files: ['**/sw.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.serviceworker } },
  },
];
