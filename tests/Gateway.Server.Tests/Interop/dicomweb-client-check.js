// Drives the npm dicomweb-client (0.11.3, Node + xhr2) against a DICOMweb root, as a viewer or script would.
// Usage: node dicomweb-client-check.js PLAN.json
// The plan (written by DicomWebClientInteropTests) names the root, an output folder and the calls to make; this script
// makes them in order and prints one JSON object { name: result } on stdout. Binary answers (instances, frames,
// rendered images, bulk data) are written to files in the output folder so the test can compare them with pydicom.
// NODE_PATH must hold the node_modules folder that scripts/install-peers.sh fills.
'use strict';

global.XMLHttpRequest = require('xhr2');
const fs = require('fs');
const path = require('path');
const { api } = require('dicomweb-client');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// plan.headers (optional) go with every request, e.g. { "Authorization": "Bearer ..." } for a gateway with authentication.
const headers = plan.headers || {};
const client = new api.DICOMwebClient({ url: plan.root, headers, verbose: false });
const singlepartClient = new api.DICOMwebClient({ url: plan.root, headers, singlepart: 'bulkdata', verbose: false });
const results = {};

function ids(step) {
  const result = {};
  for (const key of ['studyInstanceUID', 'seriesInstanceUID', 'sopInstanceUID']) {
    if (step[key]) {
      result[key] = step[key];
    }
  }
  return result;
}

function toBuffer(value) {
  if (value instanceof ArrayBuffer) {
    return Buffer.from(value);
  }
  if (ArrayBuffer.isView(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new Error('unexpected part type ' + Object.prototype.toString.call(value));
}

function writeParts(name, parts) {
  const list = Array.isArray(parts) ? parts : [parts];
  return list.map((part, index) => {
    const file = path.join(plan.outDir, `${name}-${index + 1}.bin`);
    fs.writeFileSync(file, toBuffer(part));
    return file;
  });
}

function parseJson(value) {
  if (typeof value === 'string') {
    return value.length === 0 ? null : JSON.parse(value);
  }
  if (value instanceof ArrayBuffer) {
    return JSON.parse(Buffer.from(value).toString('utf8'));
  }
  return value;
}

async function run(step) {
  switch (step.kind) {
    case 'store': {
      const datasets = step.files.map(file => {
        const bytes = fs.readFileSync(file);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      });
      const options = { datasets };
      if (step.studyInstanceUID) {
        options.studyInstanceUID = step.studyInstanceUID;
      }
      return { response: parseJson(await client.storeInstances(options)) };
    }
    case 'search': {
      const options = { ...ids(step), queryParams: step.queryParams || {} };
      const method = { studies: 'searchForStudies', series: 'searchForSeries', instances: 'searchForInstances' }[step.level];
      return { response: parseJson(await client[method](options)) };
    }
    case 'metadata': {
      const method = { study: 'retrieveStudyMetadata', series: 'retrieveSeriesMetadata', instance: 'retrieveInstanceMetadata' }[step.level];
      return { response: parseJson(await client[method](ids(step))) };
    }
    case 'instance': {
      const method = { study: 'retrieveStudy', series: 'retrieveSeries', instance: 'retrieveInstance' }[step.level];
      return { files: writeParts(step.name, await client[method](ids(step))) };
    }
    case 'frames': {
      const options = { ...ids(step), frameNumbers: step.frameNumbers };
      if (step.mediaTypes) {
        options.mediaTypes = step.mediaTypes;
      }
      return { files: writeParts(step.name, await client.retrieveInstanceFrames(options)) };
    }
    case 'rendered': {
      const options = { ...ids(step), mediaTypes: step.mediaTypes };
      if (step.queryParams) {
        options.queryParams = step.queryParams;
      }
      return { files: writeParts(step.name, await client.retrieveInstanceRendered(options)) };
    }
    case 'bulkdata': {
      // The pixel data's BulkDataURI exactly as the server wrote it in the instance metadata.
      const metadata = parseJson(await client.retrieveInstanceMetadata(ids(step)));
      const pixelData = metadata[0]['7FE00010'] || metadata[0]['7fe00010'];
      if (!pixelData || !pixelData.BulkDataURI) {
        throw new Error('the instance metadata has no PixelData BulkDataURI: ' + JSON.stringify(pixelData));
      }
      const uri = pixelData.BulkDataURI;
      const chosen = step.singlepart ? singlepartClient : client;
      return { bulkDataURI: uri, files: writeParts(step.name, await chosen.retrieveBulkData({ BulkDataURI: uri })) };
    }
    default:
      throw new Error('unknown step kind ' + step.kind);
  }
}

(async () => {
  fs.mkdirSync(plan.outDir, { recursive: true });
  for (const step of plan.steps) {
    try {
      results[step.name] = { ok: true, ...(await run(step)) };
    } catch (error) {
      results[step.name] = { ok: false, status: error.status ?? null, error: String(error && error.message || error) };
    }
  }
  process.stdout.write(JSON.stringify(results));
})().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(2);
});
