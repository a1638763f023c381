// Self-hosted Noto fonts for every script the site is offered in (npm @fontsource packages, SIL Open Font
// Licence, copied with their licence). Nothing is fetched from another host at run time.
//
// One table says which family serves which languages. From it the build:
//   - copies only regular (400) and bold (700), only the subsets our languages use, into dist/fonts/
//     (woff2: every browser we support reads it, and so does WeasyPrint for the printed guides);
//   - writes @font-face rules with font-display: swap (text shows at once in a fallback font) and
//     unicode-range (a page downloads only the files whose characters it has);
//   - sets --st-font-family per page language (govuk-frontend's $govuk-font-family reads it);
//   - writes dist/fonts/manifest.json, which the PDFs (intake/printed.py) use for the same files and stacks.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const WEIGHTS = [400, 700];
// After our own fonts, what phones and computers commonly have for each script, then the generic family.
const SYSTEM = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

export const FAMILIES = [
  {
    package: "noto-sans",
    family: "Noto Sans",
    subsets: ["latin", "latin-ext", "cyrillic"], // English, Polish, Romanian, Portuguese; Bulgarian, Ukrainian
    languages: ["en", "pl", "ro", "bg", "pt", "uk"],
    fallback: SYSTEM,
  },
  {
    package: "noto-naskh-arabic",
    family: "Noto Naskh Arabic",
    subsets: ["arabic"],
    languages: ["ar", "ps", "fa"],
    fallback: ["Tahoma", "Segoe UI", "Geeza Pro", "Arial", "sans-serif"],
  },
  {
    package: "noto-nastaliq-urdu",
    family: "Noto Nastaliq Urdu",
    subsets: ["arabic"],
    languages: ["ur"],
    fallback: ["Jameel Noori Nastaleeq", "Urdu Typesetting", "Tahoma", "Segoe UI", "Arial", "serif"],
    // Nastaliq slopes down to the left and its marks reach far above and below the line: with
    // govuk-frontend's line heights (about 1.25) lines overlap and marks are clipped.
    lineHeight: 2.25,
  },
  {
    package: "noto-sans-gurmukhi",
    family: "Noto Sans Gurmukhi",
    subsets: ["gurmukhi"],
    languages: ["pa"],
    fallback: ["Raavi", "Gurmukhi MN", "Arial", "sans-serif"],
  },
  {
    package: "noto-sans-gujarati",
    family: "Noto Sans Gujarati",
    subsets: ["gujarati"],
    languages: ["gu"],
    fallback: ["Shruti", "Gujarati Sangam MN", "Arial", "sans-serif"],
  },
  {
    package: "noto-sans-bengali",
    family: "Noto Sans Bengali",
    subsets: ["bengali"],
    languages: ["bn"],
    fallback: ["Vrinda", "Shonar Bangla", "Bangla Sangam MN", "Arial", "sans-serif"],
  },
];
const BASE = FAMILIES[0]; // Noto Sans: Latin and Cyrillic for every page (digits, names, addresses, URLs)

const quote = (name) => (/^[a-z-]+$/.test(name) ? name : `"${name}"`);

export function stackFor(entry) {
  const names = entry === BASE ? [BASE.family, ...BASE.fallback] : [entry.family, BASE.family, ...entry.fallback];
  return [...new Set(names)].map(quote).join(", ");
}

export function buildFonts(dist) {
  const out = `${dist}/fonts`;
  mkdirSync(out, { recursive: true });
  const faces = [];
  const manifest = { families: [], languages: {} };
  for (const entry of FAMILIES) {
    const root = `node_modules/@fontsource/${entry.package}`;
    const ranges = JSON.parse(readFileSync(`${root}/unicode.json`, "utf8"));
    const meta = JSON.parse(readFileSync(`${root}/metadata.json`, "utf8"));
    const files = [];
    for (const subset of entry.subsets) {
      if (!ranges[subset]) throw new Error(`${entry.package} has no subset ${subset}`);
      for (const weight of WEIGHTS.filter((w) => meta.weights.includes(w))) {
        const name = `${entry.package}-${subset}-${weight}-normal.woff2`;
        const source = `${root}/files/${name}`;
        if (!existsSync(source)) throw new Error(`missing ${source}`);
        copyFileSync(source, `${out}/${name}`);
        files.push({ file: name, subset, weight, unicodeRange: ranges[subset] });
        faces.push(
          `@font-face{font-family:"${entry.family}";font-style:normal;font-weight:${weight};` +
            `font-display:swap;src:url(fonts/${name}) format("woff2");unicode-range:${ranges[subset]}}`,
        );
      }
    }
    copyFileSync(`${root}/LICENSE`, `${out}/${entry.package}-LICENSE.txt`);
    manifest.families.push({ family: entry.family, files, lineHeight: entry.lineHeight ?? null });
    for (const language of entry.languages) {
      manifest.languages[language] = { family: entry.family, stack: stackFor(entry), lineHeight: entry.lineHeight ?? null };
    }
  }
  writeFileSync(`${out}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");

  // The page's language picks the stack; everything from govuk-frontend uses var(--st-font-family).
  const rules = [`:root{--st-font-family:${stackFor(BASE)}}`, "body{font-family:var(--st-font-family)}"];
  for (const entry of FAMILIES.slice(1)) {
    const selector = entry.languages.map((lang) => `:root:lang(${lang})`).join(",");
    rules.push(`${selector}{--st-font-family:${stackFor(entry)}}`);
    if (entry.lineHeight) {
      // Every element, because govuk-frontend sets a line height on each text class.
      const all = entry.languages.map((lang) => `:root:lang(${lang}) body,:root:lang(${lang}) body *`).join(",");
      rules.push(`${all}{line-height:${entry.lineHeight}}`);
    }
  }
  return faces.join("\n") + "\n" + rules.join("\n") + "\n";
}
