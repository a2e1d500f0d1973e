/**
 * How the extracted service ships: a multi-stage Dockerfile (build with every dependency, run
 * with production ones only, as a non-root user, with a health check) and Kubernetes manifests
 * (Deployment with probes and resource requests, a Service, a headless Service so that callers
 * balance over every pod's address, a ConfigMap).
 */
import { stringify } from 'yaml';
import { serviceUrlsVariable } from '../../src/shared/topology.ts';

export const PORT = 3000;

/** The commands the Dockerfile runs, in order; the extraction test runs the same ones. */
export const DOCKER_COMMANDS = { build: ['npm ci', 'npm run build'], runtime: ['npm ci --omit=dev'] };

export function dockerfile(name: string): string {
  return `# ${name}: built with every dependency, run with production ones only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN ${DOCKER_COMMANDS.build[0]}
COPY . .
RUN ${DOCKER_COMMANDS.build[1]}

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=${PORT} HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN ${DOCKER_COMMANDS.runtime[0]} && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:${PORT}/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/server.js"]
`;
}

export const DOCKERIGNORE = 'node_modules\ndist\n.data\ncoverage\n*.log\n';

/** The manifests, one document per file name. `settings` become the ConfigMap (secrets stay out of it). */
export function kubernetesManifests(name: string, settings: Record<string, string>): Record<string, string> {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'cafe' };
  const probe = (path: string, initialDelaySeconds: number) => ({ httpGet: { path, port: 'http' }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          terminationGracePeriodSeconds: 15,
          containers: [
            {
              name,
              image: `${name}:latest`,
              ports: [{ name: 'http', containerPort: PORT }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }, { secretRef: { name: `${name}-secrets`, optional: true } }],
              livenessProbe: probe('/health/live', 5),
              readinessProbe: probe('/health/ready', 5),
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false },
            },
          ],
        },
      },
    },
  };
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
  // Callers put this name in SERVICE_<MODULE>_URLS: DNS answers every ready pod, and the client balances.
  const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-instances`, labels }, spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'http', port: PORT, targetPort: 'http' }] } };
  const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, labels }, data: { PORT: String(PORT), HOST: '0.0.0.0', ...settings } };
  return {
    'deployment.yaml': stringify(deployment),
    'service.yaml': stringify(service),
    'service-instances.yaml': stringify(headless),
    'configmap.yaml': stringify(config),
  };
}

/** What a caller of the service sets to find it in the cluster. */
export const clusterUrls = (module: string) => `${serviceUrlsVariable(module)}=http://cafe-${module}-instances:${PORT}`;
