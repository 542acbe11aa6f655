// Compiles the Kiln contracts with the pinned solcjs (package-lock.json) and writes one artifact
// per contract: ABI, creation and runtime bytecode, and the exact compiler settings. Called by
// `contracts/build`; the artifacts in out/ are committed so that a Rust build needs no node.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const root = __dirname;
const outDir = path.resolve(process.argv[2] || path.join(root, "out"));
// One entry per artifact: the source (relative to contracts/) and the contract in it.
const contracts = [
    ["src/KilnItems.sol", "KilnItems"],
    ["bench/PlainItems.sol", "PlainItems"],
];
// Prague is the newest hardfork that every chain we target has; the sandbox EVM and the test
// node run the same one, so gas figures agree.
const settings = {
    evmVersion: "prague",
    optimizer: { enabled: true, runs: 10000 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

const sources = {};
for (const [file] of contracts) {
    sources[file] = { content: fs.readFileSync(path.join(root, file), "utf8") };
}
function findImports(importPath) {
    const candidates = [path.join(root, "node_modules", importPath), path.join(root, importPath)];
    for (const candidate of candidates) {
        if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: `import not found: ${importPath} (run contracts/build, which installs the pinned libraries)` };
}

const input = { language: "Solidity", sources, settings };
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = (output.errors || []).filter((e) => e.severity === "error" || e.type === "Warning");
for (const problem of problems) console.error(problem.formattedMessage);
if (problems.some((e) => e.severity === "error")) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
for (const [file, name] of contracts) {
    const compiled = output.contracts[file][name];
    const artifact = {
        contractName: name,
        sourceName: file,
        compiler: { solc: solc.version(), openzeppelin: require("@openzeppelin/contracts/package.json").version, settings },
        abi: compiled.abi,
        bytecode: "0x" + compiled.evm.bytecode.object,
        deployedBytecode: "0x" + compiled.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    console.error(`contracts/build: ${name}: ${compiled.evm.deployedBytecode.object.length / 2} bytes of runtime code`);
}
