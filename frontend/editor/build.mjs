// Bundles src/index.js and CodeMirror into one minified file under static/.
// `make editor` runs it after `npm ci`; the result is committed, so nothing else
// in the project needs Node.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";

const out = "../../static/vendor/codemirror";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "PolicyEditorKit",
  target: ["es2020"],
  legalComments: "none",
  banner: {
    js: "/* CodeMirror 6 (MIT, https://codemirror.net) bundled for the policy editor; see LICENSE. Rebuild: make editor */",
  },
  outfile: `${out}/editor.bundle.js`,
});
copyFileSync("node_modules/@codemirror/view/LICENSE", `${out}/LICENSE`);
console.log(`${out}/editor.bundle.js: ${statSync(`${out}/editor.bundle.js`).size} bytes`);
