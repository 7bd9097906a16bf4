/**
 * Layer rules (docs/architecture.md "Parts"), checked on every import, type-only ones included.
 * Folders are named after the environment their code runs in (VS Code's common / node / browser /
 * electron-main). `npm run depcruise` runs it; it is part of `npm test`.
 */
const LAYERS = '^(protocol|base|native-bridge|gateway|main|preload|renderer|onsite)/';

/** A layer that may import only the project folders in `allowed`. */
function onlyImports(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from, pathNot: '(^|/)vite\\.config\\.ts$' },
    to: { path: LAYERS, pathNot: `^(${allowed.join('|')})(/|$)` },
  };
}

module.exports = {
  forbidden: [
    onlyImports('protocol-imports-nothing', '^protocol/', ['protocol'], 'protocol/ is the contract: environment-free, imports nothing of the project.'),
    onlyImports('base-common-is-the-bottom', '^base/common/', ['base/common'], 'base/common imports nothing of the project.'),
    onlyImports('base-node-on-common', '^base/node/', ['base/common', 'base/node'], 'base/node builds on base/common only.'),
    onlyImports(
      'native-bridge-layers',
      '^native-bridge/',
      ['native-bridge', 'protocol', 'base/common', 'base/node'],
      'native-bridge is shared by gateway and workstation; it knows neither.',
    ),
    onlyImports(
      'gateway-layers',
      '^gateway/',
      ['gateway', 'protocol', 'base/common', 'base/node', 'native-bridge'],
      'The gateway meets the workstation only in protocol/, base/ and native-bridge/.',
    ),
    onlyImports(
      'base-browser-on-common',
      '^base/browser/',
      ['base/common', 'base/browser', 'protocol'],
      'base/browser builds on base/common and the contract only.',
    ),
    onlyImports(
      'onsite-layers',
      '^onsite/',
      [
        'onsite',
        'protocol',
        'base/common',
        'base/browser',
        'native-bridge/(dicom|rle/typescript-codec|rle/decode|rle/encode|rle/codec|rle/errors|rle/frame-layout|image-codecs|image-limits|preview-image)(\\.ts)?',
      ],
      'The onsite console is a browser page: the contract, browser code, and the environment-neutral DICOM reader and codecs.',
    ),
    onlyImports(
      'main-layers',
      '^main/',
      ['main', 'protocol', 'base/common', 'base/node', 'native-bridge'],
      'The workstation core never imports gateway/, the renderer or the preload.',
    ),
    onlyImports('preload-layers', '^preload/', ['preload', 'protocol', 'base/common'], 'The preload sees only the contract.'),
    onlyImports(
      'renderer-layers',
      '^renderer/',
      ['renderer', 'protocol', 'base/common', 'base/browser'],
      'The renderer reaches the core only through window.larmor.',
    ),
    {
      name: 'core-is-shell-free',
      comment: 'The workstation core runs under Electron, the browser shell and the CLI alike: it never imports a shell.',
      severity: 'error',
      from: { path: '^main/core/' },
      to: { path: '^main/(electron|browser-shell)/' },
    },
    {
      name: 'electron-only-in-main-electron',
      comment: 'Only the Electron shell and its preload load electron; everything else runs without it.',
      severity: 'error',
      from: { pathNot: '^(main/electron|preload)/' },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'no-node-in-browser-code',
      comment: 'The renderer, the onsite console and the preload run in sandboxed pages: no Node built-ins.',
      severity: 'error',
      from: { path: '^(renderer/src/|onsite/src/|base/common/|base/browser/|preload/(?!vite\\.config\\.ts))' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-node-in-protocol',
      comment: 'protocol/ runs in every environment.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-react-outside-pages',
      comment: 'React is for the two pages only.',
      severity: 'error',
      from: { pathNot: '^(renderer|onsite|base/browser|tests|bench)/' },
      to: { path: '^node_modules/(react|react-dom|zustand)/' },
    },
    {
      name: 'renderer-packages',
      comment: 'The pages bundle only React, zustand and zod; any other package is a new dependency of a page to decide on.',
      severity: 'error',
      from: { path: '^(renderer/src|onsite/src|base/browser)/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '^node_modules/(react|react-dom|zustand|zod)/',
      },
    },
    {
      name: 'protocol-packages',
      comment: 'protocol/ depends on zod alone.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/zod/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a broken build waiting to happen.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|app|native-bridge/build|bench/\\.data)/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.cts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
