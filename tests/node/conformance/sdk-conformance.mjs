// Conformance run: drives the official @google/genai SDK against the Gemini emulator and checks every
// webhook delivery with the official verifiers (jose for the dynamic RS256 JWTs, standardwebhooks for
// the static HMAC signatures).
//
// Usage: node tests/node/conformance/sdk-conformance.mjs http://127.0.0.1:<port>
// Last stdout line: {"cases":[{"name","ok","error"?}],"passed":n,"failed":n}. Exit code 0 only when all pass.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { GenerateContentResponse, GenerateVideosOperation, GoogleGenAI, createPartFromUri } from '@google/genai';
import * as jose from 'jose';
import { Webhook } from 'standardwebhooks';

const ISSUER = 'https://gemini-emulator.local';
const API_KEY = 'test-key';
const MODEL = 'gemini-2.5-flash';
const CASE_TIMEOUT_MS = 30_000;
const WAIT_TIMEOUT_MS = 15_000;

const emulator = (process.argv[2] ?? process.env.GEMINI_EMULATOR_URL ?? '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(emulator)) {
  console.error('usage: node sdk-conformance.mjs <emulator base url>');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Webhook receiver: records raw body bytes and headers of every POST, answers 200.
// ---------------------------------------------------------------------------------------------

class Receiver {
  constructor() {
    this.deliveries = [];
    this.waiters = new Set();
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const delivery = {
          method: req.method,
          path: req.url,
          url: this.url(req.url),
          headers: { ...req.headers },
          body,
          json: tryParse(body),
          receivedAt: Date.now(),
        };
        this.deliveries.push(delivery);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        for (const waiter of [...this.waiters]) {
          waiter.check();
        }
      });
    });
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.base = `http://127.0.0.1:${this.server.address().port}`;
  }

  url(pathAndQuery) {
    return this.base + pathAndQuery;
  }

  /** Resolves with the deliveries that match once there are at least `count` of them; rejects after the timeout. */
  waitFor(what, predicate, count = 1, timeoutMs = WAIT_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const matches = this.deliveries.filter(predicate);
          if (matches.length >= count) {
            clearTimeout(waiter.timer);
            this.waiters.delete(waiter);
            resolve(matches);
          }
        },
      };
      waiter.timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.deliveries.map((d) => `${d.path} ${d.json?.type ?? '?'} ${d.json?.data?.id ?? '?'}`);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: [${seen.join('; ')}]`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function tryParse(buffer) {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

class CheckError extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new CheckError(message);
  }
}

function equal(actual, expected, what) {
  check(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` until it returns a truthy value; throws after the timeout with the last value seen. */
async function pollUntil(what, probe, timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last?.done) {
      return last.value;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last?.value)}`);
}

async function admin(method, pathAndQuery, body) {
  const response = await fetch(emulator + pathAndQuery, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${pathAndQuery} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

function base64url(buffer) {
  return buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Deterministic pseudo-audio bytes (an ID3 header followed by a byte pattern). */
function audioBytes(size, seed) {
  const data = Buffer.alloc(size);
  Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1').copy(data);
  let x = seed >>> 0 || 1;
  for (let i = 10; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}

function lastSegment(name) {
  return String(name ?? '').split('/').pop();
}

/** SDK 3.1.0 returns batch inline responses as plain objects; give them the SDK's own GenerateContentResponse getters. */
function asResponse(plain) {
  return plain === undefined ? undefined : Object.assign(new GenerateContentResponse(), plain);
}

function envelopeOf(delivery) {
  check(delivery.json && typeof delivery.json === 'object', `delivery to ${delivery.path} has no JSON body`);
  return delivery.json;
}

function isFor(name, type) {
  return (d) => d.json?.data?.id === name && (type === undefined || d.json?.type === type);
}

// ---------------------------------------------------------------------------------------------
// Case runner
// ---------------------------------------------------------------------------------------------

const results = [];
const state = {};

async function run(name, fn, { needs = [] } = {}) {
  const missing = needs.filter((key) => state[key] === undefined);
  if (missing.length > 0) {
    results.push({ name, ok: false, error: `not run: needs ${missing.join(', ')} from an earlier case` });
    console.log(`FAIL ${name}: not run (needs ${missing.join(', ')})`);
    return;
  }
  const started = Date.now();
  try {
    await withTimeout(Promise.resolve().then(fn), CASE_TIMEOUT_MS, name);
    results.push({ name, ok: true });
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    const message = error instanceof Error ? `${error.name === 'Error' || error instanceof CheckError ? '' : error.name + ': '}${error.message}` : String(error);
    results.push({ name, ok: false, error: message });
    console.log(`FAIL ${name} (${Date.now() - started} ms): ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Verification with the official libraries
// ---------------------------------------------------------------------------------------------

const jwks = jose.createRemoteJWKSet(new URL(emulator + '/.well-known/jwks.json'));
/** Dynamic deliveries: path → exact URI registered in webhookConfig.uris (the expected JWT audience). */
const dynamicTargets = new Map();

async function verifyDynamic(delivery) {
  const audience = dynamicTargets.get(delivery.path);
  check(audience !== undefined, `unexpected dynamic delivery path ${delivery.path}`);
  const token = delivery.headers['webhook-signature'];
  check(typeof token === 'string' && token.split('.').length === 3, `webhook-signature is not a compact JWT: ${token}`);
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
    issuer: ISSUER,
    audience,
    algorithms: ['RS256'],
  });
  equal(protectedHeader.alg, 'RS256', 'JWT alg');
  const bodyHash = base64url(createHash('sha256').update(delivery.body).digest());
  equal(payload.body_sha256, bodyHash, 'body_sha256 claim vs SHA-256 of the received body');
  const envelope = envelopeOf(delivery);
  equal(lastSegment(payload.sub), lastSegment(envelope.data?.id), 'JWT sub vs envelope data.id (last path segment)');
  equal(payload.jti, delivery.headers['webhook-id'], 'JWT jti vs webhook-id header');
  return payload;
}

function verifyStatic(delivery, secret) {
  const headers = {
    'webhook-id': delivery.headers['webhook-id'],
    'webhook-timestamp': delivery.headers['webhook-timestamp'],
    'webhook-signature': delivery.headers['webhook-signature'],
  };
  return new Webhook(secret).verify(delivery.body, headers);
}

function signatureCount(delivery) {
  return String(delivery.headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((part) => part.startsWith('v1,')).length;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

const receiver = new Receiver();
await receiver.start();
const tempDir = await mkdtemp(path.join(os.tmpdir(), 'gemini-sdk-conformance-'));

const ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: emulator } });
const aiBeta = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: emulator, apiVersion: 'v1beta' } });

function dynamicUri(pathname) {
  const uri = receiver.url(pathname);
  dynamicTargets.set(pathname, uri);
  return uri;
}

const runStarted = Date.now();
try {
  await run('setup: emulator health + short delays', async () => {
    equal((await admin('GET', '/emulator/health')).status, 'ok', 'health');
    const config = await admin('POST', '/emulator/config', {
      completionDelay: 300,
      slowFactor: 200,
      fileProcessingDelay: 0,
      retryInitialDelay: 50,
      retryMaxDelay: 200,
      deliveryJitter: 0,
      dropDeliveryRate: 0,
      duplicateDeliveryRate: 0,
      createRateLimitRate: 0,
      createUnavailableRate: 0,
      createResponseDelay: 0,
    });
    equal(config.completionDelay, '00:00:00.3000000', 'completionDelay after POST /emulator/config');
    state.ready = true;
  });

  const audio = audioBytes(48_000, 7);

  await run('files.upload(Blob) + files.get', async () => {
    const file = await ai.files.upload({
      file: new Blob([audio], { type: 'audio/mpeg' }),
      config: { mimeType: 'audio/mpeg', displayName: 'conformance-audio-blob' },
    });
    check(/^files\/[a-z0-9-]+$/.test(file.name ?? ''), `file name ${file.name}`);
    equal(file.mimeType, 'audio/mpeg', 'mimeType');
    equal(file.sizeBytes, String(audio.length), 'sizeBytes');
    equal(file.displayName, 'conformance-audio-blob', 'displayName');
    equal(file.state, 'ACTIVE', 'state');
    equal(file.sha256Hash, createHash('sha256').update(audio).digest('base64'), 'sha256Hash');
    check(typeof file.uri === 'string' && file.uri.endsWith('/' + file.name), `uri ${file.uri}`);
    const got = await ai.files.get({ name: file.name });
    for (const key of ['name', 'displayName', 'mimeType', 'sizeBytes', 'sha256Hash', 'uri', 'state', 'createTime']) {
      equal(got[key], file[key], `files.get ${key}`);
    }
    state.audioFile = file;
  }, { needs: ['ready'] });

  await run('files.upload(path) + files.get [v1beta]', async () => {
    const localPath = path.join(tempDir, 'sample.mp3');
    await writeFile(localPath, audio);
    const file = await aiBeta.files.upload({ file: localPath, config: { mimeType: 'audio/mpeg', displayName: 'conformance-audio-path' } });
    equal(file.sizeBytes, String(audio.length), 'sizeBytes');
    equal(file.sha256Hash, createHash('sha256').update(audio).digest('base64'), 'sha256Hash');
    equal(file.state, 'ACTIVE', 'state');
    check(file.uri?.includes('/v1beta/files/'), `uri under v1beta: ${file.uri}`);
    const got = await aiBeta.files.get({ name: file.name });
    equal(got.name, file.name, 'files.get name');
    equal(got.displayName, 'conformance-audio-path', 'files.get displayName');
    state.audioFileFromPath = file;
  }, { needs: ['ready'] });

  await run('models.generateContent(text)', async () => {
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'Summarise the quarterly planning meeting about storage budgets and hiring.',
    });
    check(response.text?.startsWith('Summary: '), `text: ${response.text}`);
    equal(response.candidates?.[0]?.finishReason, 'STOP', 'finishReason');
    check(response.usageMetadata?.totalTokenCount > 0, `usageMetadata: ${JSON.stringify(response.usageMetadata)}`);
    check(typeof response.responseId === 'string' && response.responseId.length > 0, 'responseId present');
  }, { needs: ['ready'] });

  await run('models.generateContent(JSON) [v1beta]', async () => {
    const response = await aiBeta.models.generateContent({
      model: MODEL,
      contents: 'Describe the migration plan for the archive service in detail.',
      config: { systemInstruction: 'You are terse.', temperature: 0.2, responseMimeType: 'application/json' },
    });
    const parsed = JSON.parse(response.text ?? '');
    check(typeof parsed.text === 'string' && parsed.text.startsWith('Summary: '), `JSON text: ${response.text}`);
  }, { needs: ['ready'] });

  await run('models.generateContent(fileData audio)', async () => {
    const file = state.audioFile;
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: [createPartFromUri(file.uri, file.mimeType), 'Transcribe this audio.'],
      config: { systemInstruction: 'You are a careful transcriber.' },
    });
    const text = response.text ?? '';
    check(/^Speaker \d+: /m.test(text), `transcript: ${text}`);
    check(text.split('\n').length >= 3, `transcript has at least 3 lines: ${text}`);
    const again = await aiBeta.models.generateContent({
      model: MODEL,
      contents: [createPartFromUri(state.audioFileFromPath?.uri ?? file.uri, 'audio/mpeg'), 'Transcribe.'],
    });
    equal(again.text, text, 'transcript of the same bytes uploaded from a path');
    state.transcript = text;
  }, { needs: ['audioFile'] });

  await run('batches.create(inline) -> dynamic webhook', async () => {
    const uri = dynamicUri('/dyn/inst-1');
    const batch = await ai.batches.create({
      model: MODEL,
      src: [
        { contents: [{ role: 'user', parts: [{ text: 'Summarise: the orchestrator waits for the webhook.' }] }], config: { systemInstruction: 'Be brief.', temperature: 0.1 }, metadata: { key: 'req-1' } },
        { contents: [{ role: 'user', parts: [createPartFromUri(state.audioFile.uri, 'audio/mpeg'), { text: 'Transcribe.' }] }], metadata: { key: 'req-2' } },
      ],
      config: {
        displayName: 'inst-1-transcribe',
        webhookConfig: { uris: [uri], userMetadata: { instanceId: 'inst-1', stage: 'transcribe' } },
      },
    });
    check(/^batches\/[^/]+$/.test(batch.name ?? ''), `batch name ${batch.name}`);
    check(['JOB_STATE_PENDING', 'JOB_STATE_RUNNING'].includes(batch.state), `state after create: ${batch.state}`);
    equal(batch.displayName, 'inst-1-transcribe', 'displayName');
    equal(batch.model, `models/${MODEL}`, 'model');
    const [delivery] = await receiver.waitFor(`batch.succeeded for ${batch.name}`, isFor(batch.name));
    const envelope = envelopeOf(delivery);
    equal(delivery.path, '/dyn/inst-1', 'delivery path');
    equal(envelope.type, 'batch.succeeded', 'type');
    equal(envelope.version, 'v1', 'version');
    equal(envelope.user_metadata?.instanceId, 'inst-1', 'user_metadata.instanceId (top level)');
    equal(envelope.user_metadata?.stage, 'transcribe', 'user_metadata.stage (top level)');
    equal(envelope.data?.user_metadata?.instanceId, 'inst-1', 'data.user_metadata.instanceId');
    check(String(delivery.headers['content-type']).startsWith('application/json'), `content-type ${delivery.headers['content-type']}`);
    check(/^msg_/.test(delivery.headers['webhook-id'] ?? ''), `webhook-id ${delivery.headers['webhook-id']}`);
    check(/^\d+$/.test(delivery.headers['webhook-timestamp'] ?? ''), `webhook-timestamp ${delivery.headers['webhook-timestamp']}`);
    state.inlineBatch = batch;
    state.inlineDelivery = delivery;
  }, { needs: ['audioFile'] });

  await run('dynamic webhook JWT verifies with jose', async () => {
    const payload = await verifyDynamic(state.inlineDelivery);
    equal(payload.sub, state.inlineBatch.name, 'sub');
    equal(payload.webhook_id, state.inlineDelivery.headers['webhook-id'], 'webhook_id claim');
    equal(payload.iat, Number(state.inlineDelivery.headers['webhook-timestamp']), 'iat vs webhook-timestamp');
    check(payload.exp > payload.iat, 'exp after iat');
    let rejected = false;
    try {
      await jose.jwtVerify(state.inlineDelivery.headers['webhook-signature'], jwks, {
        issuer: ISSUER,
        audience: receiver.url('/dyn/someone-else'),
        algorithms: ['RS256'],
      });
    } catch (error) {
      rejected = error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    }
    check(rejected, 'a different audience must be rejected with ERR_JWT_CLAIM_VALIDATION_FAILED');
  }, { needs: ['inlineDelivery'] });

  await run('batches.get(inline) -> inlinedResponses', async () => {
    const batch = await ai.batches.get({ name: state.inlineBatch.name });
    equal(batch.state, 'JOB_STATE_SUCCEEDED', 'state');
    check(batch.endTime, 'endTime present');
    const responses = batch.dest?.inlinedResponses ?? [];
    equal(responses.length, 2, 'inlinedResponses count');
    const first = asResponse(responses[0].response)?.text;
    check(typeof first === 'string' && first.length > 0, `inlinedResponses[0].response.text: ${first}`);
    check(first.startsWith('Summary: '), `inlinedResponses[0] is the summary: ${first}`);
    if (state.transcript) {
      equal(asResponse(responses[1].response)?.text, state.transcript, 'inlinedResponses[1] equals the generateContent transcript');
    }
  }, { needs: ['inlineBatch'] });

  await run('batches.create(file) + files.download', async () => {
    const lines = [
      { key: 'seg-001', request: { contents: [{ role: 'user', parts: [{ text: 'Summarise the first segment about webhooks and retries.' }] }] } },
      { key: 'seg-002', request: { contents: [{ role: 'user', parts: [{ fileData: { fileUri: state.audioFile.uri, mimeType: 'audio/mpeg' } }, { text: 'Transcribe.' }] }] } },
      { key: 'seg-003', request: { contents: [{ role: 'user', parts: [{ text: 'Summarise the third segment about durable orchestrations.' }] }] } },
    ];
    const jsonl = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
    const input = await ai.files.upload({
      file: new Blob([jsonl], { type: 'application/jsonl' }),
      config: { mimeType: 'application/jsonl', displayName: 'conformance-batch-input' },
    });
    const uri = dynamicUri('/dyn/inst-2');
    const batch = await ai.batches.create({
      model: MODEL,
      src: input.name,
      config: { displayName: 'inst-2-file', webhookConfig: { uris: [uri], userMetadata: { instanceId: 'inst-2', stage: 'file' } } },
    });
    const [delivery] = await receiver.waitFor(`batch.succeeded for ${batch.name}`, isFor(batch.name));
    const envelope = envelopeOf(delivery);
    equal(envelope.type, 'batch.succeeded', 'type');
    equal(envelope.user_metadata?.instanceId, 'inst-2', 'user_metadata.instanceId');
    const done = await ai.batches.get({ name: batch.name });
    equal(done.state, 'JOB_STATE_SUCCEEDED', 'state');
    const fileName = done.dest?.fileName;
    check(/^files\/[^/]+$/.test(fileName ?? ''), `dest.fileName ${fileName}`);
    equal(envelope.data?.output_file_uri, fileName, 'data.output_file_uri vs dest.fileName');
    const downloadPath = path.join(tempDir, 'batch-output.jsonl');
    await ai.files.download({ file: fileName, downloadPath });
    const output = (await readFile(downloadPath, 'utf8')).split('\n').filter((line) => line.trim().length > 0).map((line) => JSON.parse(line));
    equal(output.map((line) => line.key), ['seg-001', 'seg-002', 'seg-003'], 'output keys');
    for (const line of output) {
      const text = line.response?.candidates?.[0]?.content?.parts?.map((p) => p.text ?? '').join('');
      check(typeof text === 'string' && text.length > 0, `line ${line.key} has response text: ${JSON.stringify(line)}`);
    }
    if (state.transcript) {
      equal(output[1].response.candidates[0].content.parts.map((p) => p.text).join(''), state.transcript, 'seg-002 transcript');
    }
    const outputFile = await ai.files.get({ name: fileName });
    equal(outputFile.source, 'GENERATED', 'output file source');
    state.fileBatch = batch;
    state.fileDelivery = delivery;
  }, { needs: ['audioFile'] });

  await run('batches.cancel(slow) -> JOB_STATE_CANCELLED', async () => {
    const uri = dynamicUri('/dyn/cancel');
    const batch = await ai.batches.create({
      model: MODEL,
      src: [{ contents: [{ role: 'user', parts: [{ text: 'Take your time [emulator:slow] with this one.' }] }] }],
      config: { displayName: 'slow-to-cancel', webhookConfig: { uris: [uri], userMetadata: { instanceId: 'inst-cancel' } } },
    });
    const before = await ai.batches.get({ name: batch.name });
    check(['JOB_STATE_PENDING', 'JOB_STATE_RUNNING'].includes(before.state), `state before cancel: ${before.state}`);
    await ai.batches.cancel({ name: batch.name });
    const after = await ai.batches.get({ name: batch.name });
    equal(after.state, 'JOB_STATE_CANCELLED', 'state after cancel');
    const [delivery] = await receiver.waitFor(`event for cancelled ${batch.name}`, isFor(batch.name));
    equal(envelopeOf(delivery).type, 'batch.cancelled', 'event type');
    await verifyDynamic(delivery);
    state.cancelledBatch = batch;
  }, { needs: ['ready'] });

  await run('batches.create(snake_case user_metadata)', async () => {
    const uri = dynamicUri('/dyn/snake');
    const batch = await ai.batches.create({
      model: MODEL,
      src: [{ contents: [{ role: 'user', parts: [{ text: 'Summarise the snake case metadata path.' }] }] }],
      config: { displayName: 'snake-metadata', webhookConfig: { uris: [uri], user_metadata: { instanceId: 'inst-snake', stage: 'summarize' } } },
    });
    const [delivery] = await receiver.waitFor(`batch.succeeded for ${batch.name}`, isFor(batch.name));
    const envelope = envelopeOf(delivery);
    equal(envelope.user_metadata, { instanceId: 'inst-snake', stage: 'summarize' }, 'user_metadata');
    await verifyDynamic(delivery);
  }, { needs: ['ready'] });

  await run('batches.list(pager, pageSize 2)', async () => {
    const wanted = [state.inlineBatch?.name, state.fileBatch?.name, state.cancelledBatch?.name].filter(Boolean);
    check(wanted.length >= 2, 'at least two batches were created by earlier cases');
    const pager = await ai.batches.list({ config: { pageSize: 2 } });
    const seen = new Map();
    for await (const job of pager) {
      seen.set(job.name, job);
      if (wanted.every((name) => seen.has(name))) {
        break;
      }
      if (seen.size > 1000) {
        break;
      }
    }
    for (const name of wanted) {
      check(seen.has(name), `${name} listed (saw ${seen.size})`);
    }
    check(seen.size > 2, `the pager followed nextPageToken (saw ${seen.size} batches with pageSize 2)`);
    if (state.inlineBatch) {
      equal(seen.get(state.inlineBatch.name).state, 'JOB_STATE_SUCCEEDED', 'listed state of the inline batch');
    }
    if (state.cancelledBatch) {
      equal(seen.get(state.cancelledBatch.name).state, 'JOB_STATE_CANCELLED', 'listed state of the cancelled batch');
    }
  }, { needs: ['ready'] });

  await run('interactions.create(background) + get', async () => {
    const uri = dynamicUri('/dyn/interaction');
    const created = await aiBeta.interactions.create({
      model: MODEL,
      input: 'Research the history of message queues and summarise the main designs.',
      system_instruction: 'Answer in one paragraph.',
      generation_config: { temperature: 0.2 },
      background: true,
      webhook_config: { uris: [uri], user_metadata: { instanceId: 'inst-3', stage: 'research' } },
    });
    check(typeof created.id === 'string' && created.id.length > 0, `id ${created.id}`);
    check(['in_progress', 'queued'].includes(created.status), `status after create: ${created.status}`);
    const [delivery] = await receiver.waitFor(`interaction event for ${created.id}`, (d) => d.path === '/dyn/interaction' && lastSegment(d.json?.data?.id) === created.id);
    const envelope = envelopeOf(delivery);
    equal(envelope.type, 'interaction.completed', 'type');
    equal(envelope.user_metadata?.instanceId, 'inst-3', 'user_metadata.instanceId');
    await verifyDynamic(delivery);
    const got = await aiBeta.interactions.get(created.id);
    equal(got.status, 'completed', 'status');
    check(typeof got.output_text === 'string' && got.output_text.length > 0, `output_text: ${got.output_text}`);
    check(Array.isArray(got.steps) && got.steps.some((s) => s.type === 'model_output'), `steps: ${JSON.stringify(got.steps)}`);
    state.interaction = got;
  }, { needs: ['ready'] });

  await run('interactions.cancel + interactions.delete', async () => {
    const created = await ai.interactions.create({
      model: MODEL,
      input: 'A long research task [emulator:slow] that will be cancelled.',
      background: true,
    });
    const cancelled = await ai.interactions.cancel(created.id);
    equal(cancelled.status, 'cancelled', 'status returned by cancel');
    const got = await ai.interactions.get(created.id);
    equal(got.status, 'cancelled', 'status after cancel');
    await ai.interactions.delete(created.id);
    let status;
    try {
      await ai.interactions.get(created.id);
    } catch (error) {
      status = error.status ?? error.statusCode ?? error.code;
    }
    equal(status, 404, 'get after delete');
  }, { needs: ['ready'] });

  await run('webhooks.create -> new_signing_secret', async () => {
    const hook = await ai.webhooks.create({
      name: 'conformance-static',
      uri: receiver.url('/static'),
      subscribed_events: ['batch.succeeded', 'batch.failed', 'batch.expired', 'interaction.completed'],
    });
    check(typeof hook.id === 'string' && hook.id.length > 0, `id ${hook.id}`);
    check(/^whsec_[A-Za-z0-9+/=]+$/.test(hook.new_signing_secret ?? ''), `new_signing_secret ${hook.new_signing_secret}`);
    equal(hook.state, 'enabled', 'state');
    equal(hook.uri, receiver.url('/static'), 'uri');
    equal(hook.subscribed_events, ['batch.succeeded', 'batch.failed', 'batch.expired', 'interaction.completed'], 'subscribed_events');
    state.hook = hook;
    state.secret = hook.new_signing_secret;
  }, { needs: ['ready'] });

  await run('webhooks.list + webhooks.get', async () => {
    const list = await ai.webhooks.list({ page_size: 10 });
    check(Array.isArray(list.webhooks) && list.webhooks.some((w) => w.id === state.hook.id), `list contains ${state.hook.id}`);
    const got = await aiBeta.webhooks.get(state.hook.id);
    equal(got.id, state.hook.id, 'id');
    equal(got.name, 'conformance-static', 'name');
    check(got.new_signing_secret === undefined, 'new_signing_secret only in the create response');
    const truncated = got.signing_secrets?.[0]?.truncated_secret ?? '';
    check(truncated.startsWith('whsec_') && state.secret.endsWith(truncated.slice(-4)), `truncated_secret ${truncated}`);
  }, { needs: ['hook'] });

  await run('webhooks.ping -> standardwebhooks verify', async () => {
    const response = await ai.webhooks.ping(state.hook.id);
    check(response !== null && typeof response === 'object', `ping response ${JSON.stringify(response)}`);
    const [delivery] = await receiver.waitFor('ping delivery', (d) => d.path === '/static' && d.json?.type === 'webhook.ping');
    const verified = verifyStatic(delivery, state.secret);
    equal(verified.type, 'webhook.ping', 'verified payload type');
  }, { needs: ['hook'] });

  await run('static webhook batch -> standardwebhooks verify', async () => {
    const batch = await ai.batches.create({
      model: MODEL,
      src: [{ contents: [{ role: 'user', parts: [{ text: 'Summarise the static webhook delivery path.' }] }] }],
      config: { displayName: 'static-target' },
    });
    const [delivery] = await receiver.waitFor(`static delivery for ${batch.name}`, isFor(batch.name, 'batch.succeeded'));
    equal(delivery.path, '/static', 'delivered to the static webhook');
    equal(signatureCount(delivery), 1, 'one v1 signature before any rotation');
    const verified = verifyStatic(delivery, state.secret);
    equal(verified.data?.id, batch.name, 'verified payload data.id');
    let rejected = false;
    try {
      const tampered = { ...delivery, body: Buffer.from(delivery.body.toString('utf8').replace('batch.succeeded', 'batch.failed')) };
      verifyStatic(tampered, state.secret);
    } catch {
      rejected = true;
    }
    check(rejected, 'a tampered body must be rejected');
    check(!receiver.deliveries.some((d) => d.path.startsWith('/dyn/') && d.json?.data?.id === batch.name), 'no dynamic delivery for a batch without webhookConfig');
  }, { needs: ['hook'] });

  await run('webhooks.rotateSigningSecret(h24) old + new', async () => {
    const rotated = await ai.webhooks.rotateSigningSecret(state.hook.id, { revocation_behavior: 'revoke_previous_secrets_after_h24' });
    check(/^whsec_/.test(rotated.secret ?? ''), `secret ${rotated.secret}`);
    check(rotated.secret !== state.secret, 'a new secret');
    const got = await ai.webhooks.get(state.hook.id);
    equal(got.signing_secrets?.length, 2, 'signing_secrets after rotation');
    check(got.signing_secrets.some((s) => s.expire_time), 'the previous secret has an expire_time');
    const batch = await ai.batches.create({
      model: MODEL,
      src: [{ contents: [{ role: 'user', parts: [{ text: 'Summarise the rotation overlap window.' }] }] }],
      config: { displayName: 'static-after-rotation' },
    });
    const [delivery] = await receiver.waitFor(`static delivery for ${batch.name}`, isFor(batch.name, 'batch.succeeded'));
    equal(signatureCount(delivery), 2, 'v1 signatures during the overlap');
    equal(verifyStatic(delivery, state.secret).data?.id, batch.name, 'verified with the old secret');
    equal(verifyStatic(delivery, rotated.secret).data?.id, batch.name, 'verified with the new secret');
    state.previousSecret = state.secret;
    state.secret = rotated.secret;
  }, { needs: ['hook'] });

  await run('webhooks.rotateSigningSecret(immediately)', async () => {
    const rotated = await ai.webhooks.rotateSigningSecret(state.hook.id, { revocation_behavior: 'revoke_previous_secrets_immediately' });
    await ai.webhooks.ping(state.hook.id);
    const pings = await receiver.waitFor('ping after immediate rotation', (d) => d.path === '/static' && d.json?.type === 'webhook.ping', 2);
    const delivery = pings[pings.length - 1];
    equal(signatureCount(delivery), 1, 'v1 signatures after an immediate rotation');
    equal(verifyStatic(delivery, rotated.secret).type, 'webhook.ping', 'verified with the newest secret');
    let rejected = false;
    try {
      verifyStatic(delivery, state.secret);
    } catch (error) {
      rejected = error.name === 'WebhookVerificationError';
    }
    check(rejected, 'the revoked secret must no longer verify');
  }, { needs: ['hook', 'previousSecret'] });

  await run('webhooks.update(disabled) + webhooks.delete', async () => {
    const extra = await ai.webhooks.create({ name: 'conformance-extra', uri: receiver.url('/static-extra'), subscribed_events: ['video.generated'] });
    const updated = await ai.webhooks.update(extra.id, { update_mask: 'state', state: 'disabled' });
    equal(updated.state, 'disabled', 'state after update');
    equal((await ai.webhooks.get(extra.id)).state, 'disabled', 'state from get');
    await ai.webhooks.delete(extra.id);
    let status;
    try {
      await ai.webhooks.get(extra.id);
    } catch (error) {
      status = error.status ?? error.statusCode ?? error.code;
    }
    equal(status, 404, 'get after delete');
  }, { needs: ['ready'] });

  await run('operations.getVideosOperation', async () => {
    const created = await fetch(`${emulator}/v1/models/veo-3.1-generate-preview:predictLongRunning`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
      body: JSON.stringify({ instances: [{ prompt: 'A calm lake at sunrise' }], parameters: { sampleCount: 1, durationSeconds: 8 } }),
    });
    check(created.ok, `predictLongRunning answered ${created.status}`);
    const { name } = await created.json();
    check(/^models\/veo-3\.1-generate-preview\/operations\/[^/]+$/.test(name ?? ''), `operation name ${name}`);
    let operation = new GenerateVideosOperation();
    operation.name = name;
    operation = await pollUntil(`${name} done`, async () => {
      const next = await ai.operations.getVideosOperation({ operation });
      return { done: next.done === true, value: next };
    });
    check(!operation.error, `operation error ${JSON.stringify(operation.error)}`);
    const video = operation.response?.generatedVideos?.[0]?.video;
    check(typeof video?.uri === 'string' && /\/files\/[a-z0-9]+:download/.test(video.uri), `generatedVideos[0].video.uri: ${JSON.stringify(operation.response)}`);
    state.generatedVideo = operation.response.generatedVideos[0];
  }, { needs: ['ready'] });

  await run('files.download(GeneratedVideo)', async () => {
    const fromObject = path.join(tempDir, 'video-object.mp4');
    await ai.files.download({ file: state.generatedVideo, downloadPath: fromObject });
    const bytes = await readFile(fromObject);
    check(bytes.length > 0 && bytes.toString('latin1').startsWith('GEMINI-EMULATOR-VIDEO'), `video bytes: ${bytes.toString('latin1', 0, 40)}`);
    const id = /\/files\/([a-z0-9]+)/.exec(state.generatedVideo.video.uri)[1];
    const fromName = path.join(tempDir, 'video-name.mp4');
    await ai.files.download({ file: `files/${id}`, downloadPath: fromName });
    check((await readFile(fromName)).equals(bytes), 'same bytes by file name');
  }, { needs: ['generatedVideo'] });

  await run('every dynamic delivery verifies with jose', async () => {
    const dynamic = receiver.deliveries.filter((d) => d.path.startsWith('/dyn/'));
    check(dynamic.length >= 4, `dynamic deliveries received: ${dynamic.length}`);
    for (const delivery of dynamic) {
      await verifyDynamic(delivery);
      check(envelopeOf(delivery).user_metadata?.instanceId, `user_metadata.instanceId in ${delivery.path}`);
    }
    const statics = receiver.deliveries.filter((d) => d.path === '/static');
    for (const delivery of statics) {
      check(signatureCount(delivery) >= 1, `static delivery ${delivery.headers['webhook-id']} carries a v1 signature`);
      check(!String(delivery.headers['webhook-signature']).includes('.'), 'static signatures are not JWTs');
    }
  }, { needs: ['ready'] });
} finally {
  await receiver.stop();
  await rm(tempDir, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed in ${Date.now() - runStarted} ms`);
console.log(JSON.stringify({ cases: results, passed, failed }));
process.exit(failed === 0 ? 0 : 1);
