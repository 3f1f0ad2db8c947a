// Serves the prebuilt OHIF viewer and the gateway's DICOMweb root on one origin, as a site would deploy them.
// Usage: node ohif-site.js PORT SITE_DIR DICOMWEB_URL LOG_FILE
//   SITE_DIR      the `package/dist` folder of the @ohif/app tarball (served read-only; its app-config.js is replaced
//                 by one whose data source is this origin's /dicomweb)
//   DICOMWEB_URL  where /dicomweb/... is forwarded, e.g. http://127.0.0.1:41234/dicomweb
//   LOG_FILE      one JSON line per forwarded request: method, url, accept, authorization, status, content type, bytes
// Listens on 127.0.0.1 only; stopped by its PID.
'use strict';

const http = require('http');
const fs = require('fs');
const path = require('path');

const [, , port, siteDir, dicomWebUrl, logFile] = process.argv;
const site = path.resolve(siteDir);
const target = new URL(dicomWebUrl.replace(/\/$/, ''));
const prefix = '/dicomweb';

const appConfig = `window.config = {
  routerBasename: null,
  extensions: [],
  modes: [],
  customizationService: {},
  showStudyList: true,
  maxNumberOfWebWorkers: 2,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: false,
  showLoadingIndicator: true,
  strictZSpacingForVolumeViewport: true,
  defaultDataSourceName: 'dicomweb',
  dataSources: [{
    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
    sourceName: 'dicomweb',
    configuration: {
      friendlyName: 'MedVAE Gateway',
      name: 'gateway',
      wadoUriRoot: '${prefix}/wado',
      qidoRoot: '${prefix}',
      wadoRoot: '${prefix}',
      qidoSupportsIncludeField: true,
      supportsReject: false,
      imageRendering: 'wadors',
      thumbnailRendering: 'wadors',
      enableStudyLazyLoad: true,
      supportsFuzzyMatching: false,
      supportsWildcard: true,
      staticWado: false,
      singlepart: 'bulkdata,video',
      bulkDataURI: { enabled: true, relativeResolution: 'studies' },
      omitQuotationForMultipartRequest: true,
    },
  }],
};
`;

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain',
};

function serveFile(request, response) {
  const pathname = decodeURIComponent(new URL(request.url, 'http://site').pathname);
  if (pathname === '/app-config.js') {
    response.writeHead(200, { 'Content-Type': types['.js'] });
    response.end(appConfig);
    return;
  }
  let file = path.join(site, pathname);
  if (!file.startsWith(site + path.sep) && file !== site) {
    response.writeHead(403);
    response.end();
    return;
  }
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    file = path.join(site, 'index.html'); // the viewer routes (/viewer, /) are client-side
  }
  response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(response);
}

function forward(request, response) {
  const upstreamPath = target.pathname + request.url.slice(prefix.length);
  const upstream = http.request({
    hostname: target.hostname, port: target.port, path: upstreamPath, method: request.method,
    headers: request.headers, // the Host header stays this origin's, so the gateway's BulkDataURIs point here (it trusts this proxy)
  }, answer => {
    let bytes = 0;
    answer.on('data', chunk => { bytes += chunk.length; });
    answer.on('end', () => {
      fs.appendFileSync(logFile, JSON.stringify({
        method: request.method, url: request.url, accept: request.headers.accept || null, authorization: request.headers.authorization || null,
        status: answer.statusCode, contentType: answer.headers['content-type'] || null, bytes,
      }) + '\n');
    });
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', error => {
    fs.appendFileSync(logFile, JSON.stringify({ method: request.method, url: request.url, error: String(error) }) + '\n');
    response.writeHead(502);
    response.end();
  });
  request.pipe(upstream);
}

http.createServer((request, response) => {
  if (request.url === prefix || request.url.startsWith(prefix + '/') || request.url.startsWith(prefix + '?')) {
    forward(request, response);
  } else {
    serveFile(request, response);
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`ohif-site listening on 127.0.0.1:${port}`));
