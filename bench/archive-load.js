// Load client of the archive benchmark (Node 18+, no packages): the same HTTP requests for the gateway and Orthanc.
//   node archive-load.js stow URL CLIENTS FILE...
//       CLIENTS parallel clients, each with one keep-alive connection, POST one instance per request
//       (multipart/related; type="application/dicom") to URL (the server's .../studies) until the files run out.
//       Prints {"requests", "ok", "seconds", "instancesPerSecond", "statuses"}.
//   node archive-load.js wado CLIENTS PASSES URL...
//       GETs each URL PASSES times with Accept: multipart/related; type="application/dicom" over CLIENTS keep-alive
//       connections, reading every body; prints {"requests", "ok", "p50Ms", "p90Ms", "p99Ms", "maxMs", "meanMs", "bytes",
//       "byOrigin"}, byOrigin the same figures for each server (scheme://host:port) of the URLs, so that URLs of
//       two servers given in turn compare them in one run.
'use strict';

const http = require('http');
const fs = require('fs');
const crypto = require('crypto');

function request(agent, url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { agent, method, headers }, response => {
      let bytes = 0;
      response.on('data', chunk => { bytes += chunk.length; });
      response.on('end', () => resolve({
        status: response.statusCode, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6,
      }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function multipart(file) {
  const boundary = crypto.randomBytes(16).toString('hex');
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
    fs.readFileSync(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

async function runClients(clients, jobs, work) {
  let next = 0;
  const results = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (next < jobs.length) {
      const job = jobs[next++];
      results.push(await work(agent, job));
    }
    agent.destroy();
  }));
  return results;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function stow(url, clients, files) {
  const bodies = files.map(multipart); // built before the clock starts
  const started = process.hrtime.bigint();
  const results = await runClients(clients, bodies, (agent, part) =>
    request(agent, url, 'POST', {
      'Content-Type': part.contentType, 'Content-Length': part.body.length, Accept: 'application/dicom+json',
    }, part.body));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const statuses = {};
  for (const r of results) {
    statuses[r.status] = (statuses[r.status] || 0) + 1;
  }
  const ok = results.filter(r => r.status === 200).length;
  return { requests: results.length, ok, seconds, instancesPerSecond: ok / seconds, statuses };
}

async function wado(clients, passes, urls) {
  const jobs = [];
  for (let pass = 0; pass < passes; pass++) {
    jobs.push(...urls);
  }
  const results = await runClients(clients, jobs, async (agent, url) => ({
    ...await request(agent, url, 'GET', { Accept: 'multipart/related; type="application/dicom"' }), origin: new URL(url).origin,
  }));
  const summary = rs => {
    const ok = rs.filter(r => r.status === 200);
    const times = ok.map(r => r.ms).sort((a, b) => a - b);
    return {
      requests: rs.length, ok: ok.length,
      p50Ms: percentile(times, 0.5), p90Ms: percentile(times, 0.9), p99Ms: percentile(times, 0.99), maxMs: times[times.length - 1],
      meanMs: times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1),
      bytes: ok.reduce((a, r) => a + r.bytes, 0),
    };
  };
  const byOrigin = {};
  for (const r of results) {
    (byOrigin[r.origin] = byOrigin[r.origin] || []).push(r);
  }
  return { ...summary(results), byOrigin: Object.fromEntries(Object.entries(byOrigin).map(([o, rs]) => [o, summary(rs)])) };
}

(async () => {
  const [command, ...args] = process.argv.slice(2);
  let result;
  if (command === 'stow') {
    result = await stow(args[0], Number(args[1]), args.slice(2));
  } else if (command === 'wado') {
    result = await wado(Number(args[0]), Number(args[1]), args.slice(2));
  } else {
    throw new Error('usage: archive-load.js stow URL CLIENTS FILE... | wado CLIENTS PASSES URL...');
  }
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
