// Validates GLB files with the Khronos glTF validator; prints one JSON report per line:
// {"file", "errors", "warnings", "infos", "hints", "messages": [{"code", "severity", "message", "pointer"}]}
import { readFile } from "node:fs/promises";
import validator from "gltf-validator";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.glb...");
  process.exit(2);
}
for (const file of files) {
  const bytes = new Uint8Array(await readFile(file));
  const report = await validator.validateBytes(bytes, { maxIssues: 100 });
  const issues = report.issues;
  console.log(JSON.stringify({
    file,
    errors: issues.numErrors,
    warnings: issues.numWarnings,
    infos: issues.numInfos,
    hints: issues.numHints,
    messages: issues.messages.map(({ code, severity, message, pointer }) => ({ code, severity, message, pointer })),
  }));
}
