// Builds the self-hosted front-end assets into src/standtogether/static/dist/.
// govuk-frontend is compiled from Sass so that the GDS Transport font (licensed for GOV.UK only) is
// never included; the crown and logotype are simply not used by our templates.
import * as sass from "sass";
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { buildFonts } from "./fonts.mjs";
import { buildEasyRead } from "./easyread.mjs";

const out = "src/standtogether/static/dist";
mkdirSync(out, { recursive: true });

const result = sass.compile("assets/scss/main.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
// Self-hosted fonts (assets/fonts.mjs): the files go to dist/fonts/, the @font-face rules after our CSS.
const css = result.css + "\n" + buildFonts(out);
writeFileSync(`${out}/standtogether.css`, css);
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copyFileSync(`node_modules/govuk-frontend/dist/govuk/${name}`, `${out}/${name}`);
}
// Easy Read pictures (assets/easyread.mjs): only the symbols we use, with their licence.
const pictures = buildEasyRead(out);
console.log(`built ${out}/standtogether.css (${css.length} bytes), fonts/, easyread/ (${pictures} pictures) and govuk-frontend.min.js`);
