// Stores Part 10 files through the npm dicomweb-client (STOW-RS) and prints the parsed response as JSON.
// usage: node stow.js DICOMWEB_ROOT [--study UID] FILE...
global.XMLHttpRequest = require('xhr2'); // dicomweb-client needs XMLHttpRequest, which Node lacks
const { api } = require('dicomweb-client');
const fs = require('fs');

const args = process.argv.slice(2);
const url = args.shift();
let studyInstanceUID;
if (args[0] === '--study') {
  args.shift();
  studyInstanceUID = args.shift();
}

const datasets = args.map((path) => {
  const buffer = fs.readFileSync(path);
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
});

new api.DICOMwebClient({ url }).storeInstances({ datasets, studyInstanceUID })
  .then((response) => {
    process.stdout.write(typeof response === 'string' ? response : JSON.stringify(response));
  })
  .catch((error) => {
    process.stderr.write(`STOW failed: ${error && (error.status || '')} ${error && (error.message || error)}\n`);
    if (error && error.response) process.stderr.write(String(error.response) + '\n');
    process.exit(2);
  });
