// Offline schema check of Kubernetes manifests with the npm package kubernetes-models (the API's OpenAPI schemas).
//   usage: node check-manifests.cjs NODE_MODULES_DIR MANIFEST.yaml...
// Prints one line per object; exits 1 naming the file, the object and the schema error when any fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const modules = process.argv[2];
const load = (name) => require(path.join(modules, name));
const YAML = load('yaml');

let failures = 0;
for (const file of process.argv.slice(3)) {
  for (const document of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      console.log(`FAIL ${file}: YAML: ${document.errors[0].message}`);
      failures++;
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null || manifest.apiVersion?.startsWith('kustomize.config.k8s.io/')) {
      continue;
    }
    const name = `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata?.name}`;
    let model;
    try {
      model = load(path.join('kubernetes-models', manifest.apiVersion, manifest.kind))[manifest.kind];
    } catch {
      console.log(`FAIL ${file}: ${name}: no schema for this apiVersion and kind`);
      failures++;
      continue;
    }
    try {
      new model(manifest).validate();
      console.log(`ok   ${file}: ${name}`);
    } catch (error) {
      console.log(`FAIL ${file}: ${name}: ${error.message}`);
      failures++;
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
