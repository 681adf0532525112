#!/usr/bin/env node
// `npm run deploy:check`: checks deploy/ without a container engine or a cluster.
//
//  1. Helm chart: values.yaml and every ci/*-values.yaml against values.schema.json (ajv, as helm
//     does); rendered with `helm template` (+ `helm lint`) when helm is installed, else with
//     deploy/helm/render (Go's text/template + sprig, the engine Helm uses; built with Debian's Go);
//     every rendered object validated against the Kubernetes OpenAPI schemas (kubernetes-models);
//     then the wiring: probes, HPA target, PDB and Service selectors, Ingress backends, Secret keys,
//     environment variable names the API actually reads, non-root hardened containers.
//  2. docker-compose.yml: dclint (the compose-spec JSON schema it ships, then its lint rules),
//     plus health checks and healthy-dependency ordering.
//  3. Dockerfiles: dockerfile-utils diagnostics, then our rules (node:20-bookworm-slim, npm ci,
//     production-only dependencies, non-root USER, HEALTHCHECK, exec-form CMD).
// Each validator is first shown a broken input and must refuse it, so a check that cannot fail
// fails the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const require = createRequire(import.meta.url);
const { DockerfileParser } = require('dockerfile-ast');
const { validate: validateDockerfile } = require('dockerfile-utils');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deploy = join(root, 'deploy');
const chart = join(deploy, 'helm', 'gatehouse');
const problems = [];
let checks = 0;

const say = (line) => process.stdout.write(`${line}\n`);
function check(what, ok, detail = '') {
  checks++;
  if (!ok) problems.push(`${what}${detail ? `: ${detail}` : ''}`);
}
function section(title) {
  say(`\n== ${title}`);
}

// ---------------------------------------------------------------- rendering

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** Builds deploy/helm/render once per source version, in GOPATH mode against Debian's Go libraries. */
function goRenderer() {
  const source = join(deploy, 'helm', 'render', 'main.go');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `gatehouse-chart-render-${hash}`);
  const binary = join(dir, 'render');
  if (existsSync(binary)) return binary;
  if (!onPath('go')) {
    throw new Error(
      'neither helm nor go is installed: apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev (Debian), or install helm',
    );
  }
  mkdirSync(dir, { recursive: true });
  execFileSync('go', ['build', '-o', binary, '.'], {
    cwd: dirname(source),
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(dir, 'cache'), GOFLAGS: '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return binary;
}

const useHelm = onPath('helm');
const renderer = useHelm ? 'helm' : goRenderer();

/** Renders the chart with these values files; returns { text } or { error }. */
function render(valuesFiles) {
  const args = valuesFiles.flatMap((file) => ['-f', file]);
  const command = useHelm ? ['helm', ['template', 'gatehouse', chart, '--namespace', 'gatehouse', ...args]] : [renderer, [chart, ...args]];
  const result = spawnSync(command[0], command[1], { encoding: 'utf8' });
  return result.status === 0 ? { text: result.stdout } : { error: (result.stderr || result.stdout).trim() };
}

// ---------------------------------------------------------------- Kubernetes schemas

/** Validates one object against the Kubernetes OpenAPI schema of its apiVersion and kind. */
async function validateKubernetes(object) {
  const [group, version] = object.apiVersion?.includes('/') ? object.apiVersion.split('/') : [null, object.apiVersion];
  const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(path))[object.kind];
  } catch {
    return `no Kubernetes schema for ${object.apiVersion} ${object.kind}`;
  }
  try {
    new Model(object).validate();
    return null;
  } catch (error) {
    return error.message;
  }
}

// ---------------------------------------------------------------- helpers

function deepMerge(base, over) {
  const out = { ...base };
  for (const [key, value] of Object.entries(over ?? {})) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && base?.[key] && typeof base[key] === 'object' ? deepMerge(base[key], value) : value;
  }
  return out;
}
const subset = (small, big) => Object.entries(small ?? {}).every(([k, v]) => big?.[k] === v);

/** Environment variable names the API reads: every UPPER_CASE name in the config module. */
const configSource = readFileSync(join(root, 'services', 'shared', 'src', 'config', 'config.ts'), 'utf8');
const knownApiVariables = new Set(configSource.match(/\b[A-Z][A-Z0-9_]{2,}\b/g));
/** The portal's server reads these (web/src/app/api-url.ts; Next.js reads PORT, HOSTNAME and NODE_ENV). */
const knownPortalVariables = new Set(['NODE_ENV', 'PORT', 'HOSTNAME', 'GATEHOUSE_API_URL', 'NEXT_TELEMETRY_DISABLED']);

// ---------------------------------------------------------------- 1. Helm chart

section(`Helm chart (${useHelm ? 'helm template + helm lint' : 'deploy/helm/render: Go text/template + sprig'}; Kubernetes schemas from kubernetes-models)`);

// The validators must refuse broken input before their approval means anything.
{
  const refusal = await validateKubernetes({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } });
  check('self-check: the Kubernetes validator refuses a Deployment whose replicas is a string', refusal !== null);
  check('self-check: an unknown kind is refused', (await validateKubernetes({ apiVersion: 'v1', kind: 'Nonsense' })) !== null);
}

const chartMeta = parseYaml(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
check('Chart.yaml apiVersion is v2', chartMeta.apiVersion === 'v2');
check('Chart.yaml version is SemVer 2', /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(String(chartMeta.version)), String(chartMeta.version));
check('Chart.yaml names the chart gatehouse', chartMeta.name === 'gatehouse');

const ajv = new Ajv({ allErrors: true, strict: false });
const validateValues = ajv.compile(JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')));
const defaults = parseYaml(readFileSync(join(chart, 'values.yaml'), 'utf8'));
check('self-check: values.schema.json refuses api.replicaCount "two"', !validateValues(deepMerge(defaults, { api: { replicaCount: 'two' } })));
check('self-check: values.schema.json refuses an unknown top-level key', !validateValues(deepMerge(defaults, { replicas: 3 })));
check('values.yaml matches values.schema.json', validateValues(defaults), ajv.errorsText(validateValues.errors));

if (useHelm) {
  const lint = spawnSync('helm', ['lint', chart, '-f', join(chart, 'ci', 'default-values.yaml')], { encoding: 'utf8' });
  check('helm lint', lint.status === 0, lint.stdout + lint.stderr);
}

// Without a database URL and key (and no existing Secret) the chart must refuse to render.
const bare = render([]);
check('rendering with no secrets and no existingSecret fails, naming secrets.databaseUrl', !!bare.error && bare.error.includes('secrets.databaseUrl'), bare.error ?? 'it rendered');

const ciValues = readdirSync(join(chart, 'ci')).filter((f) => f.endsWith('-values.yaml')).sort();
check('the chart has ci/*-values.yaml variants to render', ciValues.length >= 2, ciValues.join(', '));
for (const file of ciValues) {
  const valuesPath = join(chart, 'ci', file);
  const values = deepMerge(defaults, parseYaml(readFileSync(valuesPath, 'utf8')));
  check(`${file} matches values.schema.json`, validateValues(values), ajv.errorsText(validateValues.errors));
  const rendered = render([valuesPath]);
  check(`${file}: the chart renders`, !rendered.error, rendered.error);
  if (rendered.error) continue;

  const documents = parseAllDocuments(rendered.text);
  const objects = [];
  for (const document of documents) {
    if (document.errors.length) check(`${file}: rendered YAML parses`, false, document.errors[0].message);
    const object = document.toJSON();
    if (object) objects.push(object);
  }
  for (const object of objects) {
    const error = await validateKubernetes(object);
    check(`${file}: ${object.kind} ${object.metadata?.name} matches the Kubernetes schema`, error === null, error);
    check(`${file}: ${object.kind} ${object.metadata?.name} carries the chart's labels`, object.metadata?.labels?.['app.kubernetes.io/instance'] === 'gatehouse');
  }
  const named = (kind) => objects.filter((o) => o.kind === kind);
  const deployments = named('Deployment');
  const api = deployments.find((d) => d.metadata.labels['app.kubernetes.io/component'] === 'api');
  const portal = deployments.find((d) => d.metadata.labels['app.kubernetes.io/component'] === 'portal');
  check(`${file}: an API Deployment and a portal Deployment`, !!api && !!portal);
  if (!api || !portal) continue;
  const kinds = new Set(objects.map((o) => o.kind));
  for (const kind of ['Service', 'PodDisruptionBudget', 'Ingress', 'ServiceAccount']) check(`${file}: renders a ${kind}`, kinds.has(kind));
  if (values.api.autoscaling.enabled) check(`${file}: renders a HorizontalPodAutoscaler`, kinds.has('HorizontalPodAutoscaler'));
  if (values.secrets.create && !values.secrets.existingSecret) check(`${file}: renders the Secret`, kinds.has('Secret'));

  for (const deployment of deployments) {
    const name = `${file}: Deployment ${deployment.metadata.name}`;
    const pod = deployment.spec.template;
    check(`${name} selector matches its pod labels`, subset(deployment.spec.selector.matchLabels, pod.metadata.labels));
    check(`${name} runs as non-root`, pod.spec.securityContext?.runAsNonRoot === true && pod.spec.securityContext?.runAsUser > 0);
    check(`${name} does not mount a service account token`, pod.spec.automountServiceAccountToken === false);
    for (const container of pod.spec.containers) {
      const security = container.securityContext ?? {};
      check(`${name}/${container.name} is hardened`, security.readOnlyRootFilesystem === true && security.allowPrivilegeEscalation === false && security.capabilities?.drop?.includes('ALL'));
      check(`${name}/${container.name} has resource requests`, !!container.resources?.requests?.cpu && !!container.resources?.requests?.memory);
      const ports = new Set((container.ports ?? []).map((p) => p.name));
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
        if (port !== undefined) check(`${name}/${container.name} ${probe} targets a declared port`, typeof port === 'number' || ports.has(port), String(port));
      }
      const known = deployment === api ? knownApiVariables : knownPortalVariables;
      for (const variable of container.env ?? []) check(`${name}/${container.name} sets ${variable.name}, a variable it reads`, known.has(variable.name));
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const secret = named('Secret').find((s) => s.metadata.name === ref.name);
        if (values.secrets.existingSecret) check(`${name} reads ${variable.name} from the existing Secret`, ref.name === values.secrets.existingSecret, ref.name);
        else check(`${name} reads ${variable.name} from the rendered Secret, which holds key ${ref.key}`, !!secret && (ref.optional || ref.key in (secret.stringData ?? {})));
      }
    }
  }
  const apiContainer = api.spec.template.spec.containers[0];
  check(`${file}: API readiness probe is GET /readyz`, apiContainer.readinessProbe?.httpGet?.path === '/readyz');
  check(`${file}: API liveness probe is GET /healthz`, apiContainer.livenessProbe?.httpGet?.path === '/healthz');
  const apiEnv = Object.fromEntries((apiContainer.env ?? []).map((v) => [v.name, v]));
  check(`${file}: API reads DATABASE_URL and GATEHOUSE_AUDIT_SIGNING_KEY from a Secret`, !!apiEnv.DATABASE_URL?.valueFrom?.secretKeyRef && !!apiEnv.GATEHOUSE_AUDIT_SIGNING_KEY?.valueFrom?.secretKeyRef);
  check(`${file}: API runs with NODE_ENV=production`, apiEnv.NODE_ENV?.value === 'production');
  check(
    `${file}: API grace period leaves time to drain and seal after the preStop sleep`,
    api.spec.template.spec.terminationGracePeriodSeconds >= Number(apiContainer.lifecycle?.preStop?.exec?.command?.[1] ?? 0) + 20,
  );
  check(`${file}: rolling updates never drop below the wanted API replicas`, api.spec.strategy?.rollingUpdate?.maxUnavailable === 0);

  for (const hpa of named('HorizontalPodAutoscaler')) {
    check(`${file}: HPA targets the API Deployment`, hpa.spec.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === api.metadata.name);
    check(`${file}: HPA keeps at least 2 API replicas`, hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
  }
  for (const pdb of named('PodDisruptionBudget')) {
    const matches = deployments.filter((d) => subset(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels));
    check(`${file}: PDB ${pdb.metadata.name} selects exactly one Deployment's pods`, matches.length === 1);
  }
  check(`${file}: a PDB covers the API`, named('PodDisruptionBudget').some((p) => subset(p.spec.selector.matchLabels, api.spec.template.metadata.labels)));
  const services = named('Service');
  for (const service of services) {
    const target = deployments.find((d) => subset(service.spec.selector, d.spec.template.metadata.labels));
    check(`${file}: Service ${service.metadata.name} selects a Deployment's pods`, !!target);
    if (!target) continue;
    const ports = new Set(target.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const port of service.spec.ports) check(`${file}: Service ${service.metadata.name} targets port ${port.targetPort} of its pods`, ports.has(port.targetPort));
  }
  const portalApiUrl = portal.spec.template.spec.containers[0].env.find((v) => v.name === 'GATEHOUSE_API_URL')?.value ?? '';
  const apiService = services.find((s) => subset(s.spec.selector, api.spec.template.metadata.labels));
  check(`${file}: the portal reaches the API through the API Service`, !!apiService && portalApiUrl === `http://${apiService.metadata.name}:${apiService.spec.ports[0].port}`, portalApiUrl);
  for (const ingress of named('Ingress')) {
    for (const rule of ingress.spec.rules) {
      for (const path of rule.http.paths) {
        const backend = path.backend.service;
        const service = services.find((s) => s.metadata.name === backend.name);
        check(`${file}: Ingress ${rule.host}${path.path} reaches an existing Service port`, !!service && service.spec.ports.some((p) => p.name === backend.port.name || p.port === backend.port.number), backend.name);
      }
    }
    for (const tls of ingress.spec.tls ?? []) check(`${file}: TLS covers every Ingress host`, ingress.spec.rules.every((r) => tls.hosts.includes(r.host)));
  }
  say(`${file}: ${objects.length} objects (${objects.map((o) => o.kind).join(', ')})`);
}

// ---------------------------------------------------------------- 2. docker-compose.yml

section('docker-compose.yml (dclint: compose-spec schema + lint rules)');
const dclint = join(root, 'node_modules', '.bin', 'dclint');
{
  const broken = join(tmpdir(), `gatehouse-compose-selfcheck-${process.pid}.yml`);
  const { writeFileSync, rmSync } = await import('node:fs');
  writeFileSync(broken, 'name: broken\nservices:\n  api:\n    image: node:20-bookworm-slim\n    replicas_of_doom: 3\n');
  const refused = spawnSync(dclint, [broken, '--max-warnings', '0'], { encoding: 'utf8' });
  rmSync(broken);
  check('self-check: dclint refuses a compose file that breaks the schema', refused.status !== 0 && /invalid-schema/.test(refused.stdout + refused.stderr));
}
const composePath = join(deploy, 'docker-compose.yml');
const lint = spawnSync(dclint, [composePath, '--max-warnings', '0'], { encoding: 'utf8' });
check('docker-compose.yml validates against the compose-spec schema and passes dclint', lint.status === 0, (lint.stdout + lint.stderr).trim());
const compose = parseYaml(readFileSync(composePath, 'utf8'));
for (const [name, service] of Object.entries(compose.services)) {
  check(`compose service ${name} has a health check`, Array.isArray(service.healthcheck?.test) && service.healthcheck.test.length > 1);
  for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
    check(`compose service ${name} waits for ${dependency} to be healthy`, condition.condition === 'service_healthy');
  }
}
check('compose runs postgres, api and portal', ['postgres', 'api', 'portal'].every((s) => s in compose.services));
for (const variable of Object.keys(compose.services.api?.environment ?? {})) check(`compose api sets ${variable}, a variable it reads`, knownApiVariables.has(variable));
for (const variable of Object.keys(compose.services.portal?.environment ?? {})) check(`compose portal sets ${variable}, a variable it reads`, knownPortalVariables.has(variable));
check('compose gives the API time to drain and seal on stop', /^\d+s$/.test(compose.services.api?.stop_grace_period ?? '') && parseInt(compose.services.api.stop_grace_period, 10) >= 20);

// ---------------------------------------------------------------- 3. Dockerfiles

section('Dockerfiles (dockerfile-utils diagnostics + image rules)');
check('self-check: dockerfile-utils reports a broken Dockerfile', validateDockerfile('FROM node:20\nEXPOSE abc\nHEALTHCHECK CMD\n').length >= 2);
for (const file of ['api.Dockerfile', 'portal.Dockerfile']) {
  const text = readFileSync(join(deploy, 'docker', file), 'utf8');
  const diagnostics = validateDockerfile(text);
  check(`${file}: no dockerfile-utils diagnostics`, diagnostics.length === 0, diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join('; '));
  const dockerfile = DockerfileParser.parse(text);
  const nodeImage = dockerfile.getInitialARGs().find((i) => i.getKeyword() === 'ARG' && i.getArguments()[0]?.getValue().startsWith('NODE_IMAGE='));
  check(`${file}: base image is node:20-bookworm-slim`, nodeImage?.getArguments()[0].getValue() === 'NODE_IMAGE=node:20-bookworm-slim');
  const froms = dockerfile.getFROMs();
  check(`${file}: multi-stage, every stage FROM \${NODE_IMAGE}`, froms.length >= 2 && froms.every((f) => f.getImage() === '${NODE_IMAGE}'));
  const instructions = dockerfile.getInstructions();
  const finalStart = instructions.indexOf(froms.at(-1));
  const final = instructions.slice(finalStart);
  const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getTextContent());
  check(`${file}: installs with npm ci`, runs.some((r) => /npm ci\b/.test(r)));
  check(`${file}: runtime dependencies are production-only`, runs.some((r) => /npm ci[^\n]*--omit=dev/.test(r)));
  const user = final.filter((i) => i.getKeyword() === 'USER').at(-1);
  check(`${file}: the runtime stage runs as a non-root USER`, !!user && !/^(root|0)(:|$)/.test(user.getArguments()[0]?.getValue() ?? 'root'));
  check(`${file}: the runtime stage has a HEALTHCHECK`, final.some((i) => i.getKeyword() === 'HEALTHCHECK'));
  const cmd = final.filter((i) => i.getKeyword() === 'CMD').at(-1);
  check(`${file}: CMD in exec form (node is PID 1 and gets SIGTERM)`, !!cmd && cmd.getTextContent().trim().replace(/^CMD\s+/, '').startsWith('['));
  const ignore = join(deploy, 'docker', `${file}.dockerignore`);
  check(`${file}: has a ${file}.dockerignore excluding node_modules and dist`, existsSync(ignore) && /node_modules/.test(readFileSync(ignore, 'utf8')) && /dist/.test(readFileSync(ignore, 'utf8')));
}

// ---------------------------------------------------------------- verdict

say('');
if (problems.length) {
  for (const problem of problems) say(`FAIL ${problem}`);
  say(`${checks - problems.length} passed, ${problems.length} failed`);
  process.exit(1);
}
say(`deploy checks: ${checks} passed, 0 failed (rendered with ${useHelm ? 'helm' : 'deploy/helm/render'})`);
