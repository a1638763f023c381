// The pictures beside each key point in the Easy Read reading mode: OpenMoji (npm `openmoji`, pinned;
// CC BY-SA 4.0, credited on the accessibility page). Only the symbols named here are copied, each under
// the name the templates and intake/easyread.py use, with the licence beside them. Nothing else of the
// package (4,000+ files) reaches the site, and nothing is fetched from another host.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";

// name -> OpenMoji code point (the file node_modules/openmoji/color/svg/<code>.svg)
export const PICTURES = {
  anonymous: "1F464", // bust in silhouette
  calendar: "1F4C5",
  camera: "1F4F7",
  check: "2705", // check mark button
  clock: "23F1", // stopwatch
  danger: "1F6A8", // police car light
  help: "1F91D", // handshake
  hit: "1F44A", // oncoming fist
  key: "1F511",
  language: "1F310", // globe with meridians
  lock: "1F512",
  look: "1F50D", // magnifying glass
  mobile: "1F4F1",
  news: "1F4E8", // incoming envelope
  people: "1F465", // busts in silhouette
  person: "1F9D1",
  phone: "1F4DE", // telephone receiver
  place: "1F4CD", // round pushpin
  question: "2753",
  save: "1F516", // bookmark
  send: "1F4E4", // outbox tray
  shield: "1F6E1",
  speech: "1F4AC", // speech balloon
  worried: "1F61F",
  write: "1F4DD", // memo
};

export function buildEasyRead(dist) {
  const root = "node_modules/openmoji";
  const out = `${dist}/easyread`;
  mkdirSync(out, { recursive: true });
  for (const [name, code] of Object.entries(PICTURES)) {
    const source = `${root}/color/svg/${code}.svg`;
    if (!existsSync(source)) throw new Error(`openmoji has no ${code} (for "${name}")`);
    copyFileSync(source, `${out}/${name}.svg`);
  }
  copyFileSync(`${root}/LICENSE.txt`, `${out}/OpenMoji-LICENSE.txt`);
  writeFileSync(
    `${out}/README.txt`,
    "Pictures: OpenMoji (https://openmoji.org/), the open-source emoji and icon project.\n" +
      "Licence: CC BY-SA 4.0 (OpenMoji-LICENSE.txt). Copied unchanged from npm openmoji by assets/easyread.mjs.\n",
  );
  return Object.keys(PICTURES).length;
}
