#!/usr/bin/env node
// Renders a ZPL label to PNG, offline, with zpl-renderer-js (the Zebrash
// renderer compiled to WebAssembly; no network, no Labelary).
//
//   node tests/tools/render-zpl.cjs LABEL.zpl OUT.png [WIDTH_MM HEIGHT_MM [DPMM]]
//   node tests/tools/render-zpl.cjs --batch LIST
//
// Defaults: a 4x6 in label (101.6 x 152.4 mm) at 8 dots/mm (203 dpi), the
// size and resolution storeedge's ZPL is written for. LIST has one label per
// line, tab-separated: LABEL.zpl OUT.png [WIDTH_MM HEIGHT_MM [DPMM]]; loading
// the renderer takes seconds, so tests render all their labels in one run.
// Exits non-zero with a message when a label cannot be rendered.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function parse(args) {
  if (args.length < 2) {
    throw new Error("usage: render-zpl.cjs LABEL.zpl OUT.png [WIDTH_MM HEIGHT_MM [DPMM]] | --batch LIST");
  }
  const [input, output] = args;
  const width = Number(args[2] ?? 101.6);
  const height = Number(args[3] ?? 152.4);
  const dpmm = Number(args[4] ?? 8);
  for (const [name, v] of [["width", width], ["height", height], ["dpmm", dpmm]]) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${input}: ${name} must be a positive number, got ${v}`);
  }
  return { input, output, width, height, dpmm };
}

async function main(argv) {
  const jobs =
    argv[0] === "--batch"
      ? fs.readFileSync(argv[1], "utf8").split("\n").filter((l) => l.trim()).map((l) => parse(l.split("\t")))
      : [parse(argv)];
  const { ready } = require(path.join(__dirname, "node_modules", "zpl-renderer-js"));
  const { api } = await ready;
  for (const job of jobs) {
    const zpl = fs.readFileSync(job.input, "utf8");
    const png = await api.zplToBase64Async(zpl, job.width, job.height, job.dpmm);
    fs.writeFileSync(job.output, Buffer.from(png, "base64"));
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(`render-zpl: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
