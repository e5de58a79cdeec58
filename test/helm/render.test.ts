import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { containerEnv, find, render, renderFailure, RELEASE } from './helm.js';

const FULLNAME = `${RELEASE}-padellm-stream`;

describe('default values', () => {
  const manifests = render(['default-values.yaml']);
  const deployment = find(manifests, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('renders the workload and its companions, nothing optional', () => {
    const kinds = manifests.map((m) => m.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    assert.equal(deployment.metadata.name, FULLNAME);
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(pod.serviceAccountName, FULLNAME);
    assert.equal(pod.automountServiceAccountToken, false);
  });

  test('runs `padellm run` from the CPU image of the chart appVersion', () => {
    assert.equal(container.image, 'padellm-stream:0.1.0');
    assert.deepEqual(container.args, ['run']);
  });

  test('probes /healthz (startup, liveness) and /readyz (readiness) on the http port', () => {
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 9464, protocol: 'TCP' }]);
    assert.equal(container.startupProbe.httpGet.path, '/healthz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      assert.equal(probe.httpGet.port, 'http');
      assert.ok(probe.periodSeconds >= 1 && probe.failureThreshold >= 1);
    }
    const service = find(manifests, 'Service');
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 9464, targetPort: 'http', protocol: 'TCP' }]);
    assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  });

  test('is hardened: non-root, read-only root FS with /tmp emptyDir, no capabilities, RuntimeDefault seccomp', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    const sc = container.securityContext;
    assert.equal(sc.runAsNonRoot, true);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.deepEqual(sc.capabilities.drop, ['ALL']);
    assert.equal(sc.capabilities.add, undefined);
    assert.equal(sc.seccompProfile.type, 'RuntimeDefault');
    const tmpMount = container.volumeMounts.find((m: any) => m.mountPath === '/tmp');
    const tmpVolume = pod.volumes.find((v: any) => v.name === tmpMount.name);
    assert.ok(tmpVolume.emptyDir, 'the /tmp volume is an emptyDir');
  });

  test('gives the drain timeout plus a margin as the termination grace period', () => {
    const env = containerEnv(manifests);
    assert.equal(env.get('PADELLM_SHUTDOWN_TIMEOUT_MS')?.value, '25000');
    assert.equal(pod.terminationGracePeriodSeconds, 35);
  });

  test('uses the model embedded in the image and the CPU provider, no GPU', () => {
    const env = containerEnv(manifests);
    assert.equal(env.get('PADELLM_MODEL_DIR')?.value, '/app/models/padellm-conll03-smollm2-v6');
    assert.equal(env.get('PADELLM_EXECUTION_PROVIDERS')?.value, 'cpu');
    assert.equal(pod.volumes.some((v: any) => v.name === 'model'), false);
    assert.equal(JSON.stringify(container.resources).includes('gpu'), false);
    assert.equal(pod.tolerations, undefined);
  });

  test('takes each pod name as its transactional id', () => {
    const env = containerEnv(manifests);
    assert.deepEqual(env.get('PADELLM_TRANSACTIONAL_ID')?.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
  });

  test('rolls the pods when the settings change', () => {
    const before = deployment.spec.template.metadata.annotations['checksum/config'];
    const after = find(render(['default-values.yaml'], ['kafka.groupId=other']), 'Deployment')
      .spec.template.metadata.annotations['checksum/config'];
    assert.match(before, /^[0-9a-f]{64}$/);
    assert.notEqual(before, after);
  });

  test('keeps a PodDisruptionBudget over the same pods', () => {
    const pdb = find(manifests, 'PodDisruptionBudget');
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  });
});

describe('GPU values', () => {
  const manifests = render(['gpu-values.yaml']);
  const pod = find(manifests, 'Deployment').spec.template.spec;
  const container = pod.containers[0];

  test('requests the GPU resource and keeps the CPU and memory settings', () => {
    assert.equal(container.resources.limits['nvidia.com/gpu'], 1);
    assert.equal(container.resources.limits.memory, '2Gi');
    assert.equal(container.resources.requests.cpu, '1');
  });

  test('tolerates the GPU taint and selects GPU nodes', () => {
    assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    assert.equal(pod.nodeSelector['node.kubernetes.io/instance-type'], 'gpu-small');
  });

  test('switches to the CUDA image and the cuda,cpu providers', () => {
    assert.equal(container.image, 'padellm-stream:0.1.0-cuda');
    const env = containerEnv(manifests);
    assert.equal(env.get('PADELLM_EXECUTION_PROVIDERS')?.value, 'cuda,cpu');
    assert.equal(env.get('PADELLM_INTRA_OP_THREADS')?.value, '2');
  });

  test('honours another GPU resource name and an explicit CUDA tag', () => {
    const other = render(['gpu-values.yaml'], ['gpu.resourceName=amd.com/gpu', 'gpu.count=2',
      'image.tag=1.2.3', 'image.cudaTag=1.2.3-cu126']);
    const c = find(other, 'Deployment').spec.template.spec.containers[0];
    assert.equal(c.resources.limits['amd.com/gpu'], 2);
    assert.equal(c.resources.limits['nvidia.com/gpu'], undefined);
    assert.equal(c.image, 'padellm-stream:1.2.3-cu126');
  });
});

describe('KEDA values', () => {
  const manifests = render(['keda-values.yaml']);
  const scaledObject = find(manifests, 'ScaledObject');

  test('scales the Deployment on the consumer group lag of the input topic', () => {
    assert.equal(scaledObject.apiVersion, 'keda.sh/v1alpha1');
    assert.equal(scaledObject.spec.scaleTargetRef.name, FULLNAME);
    const [trigger] = scaledObject.spec.triggers;
    assert.equal(trigger.type, 'kafka');
    assert.equal(trigger.metadata.bootstrapServers, 'broker-0.kafka:9093,broker-1.kafka:9093');
    assert.equal(trigger.metadata.consumerGroup, 'padellm-stream');
    assert.equal(trigger.metadata.topic, 'padellm-text');
    assert.equal(trigger.metadata.lagThreshold, '500');
  });

  test('caps maxReplicaCount at the partition count', () => {
    assert.equal(scaledObject.spec.maxReplicaCount, 4);
    assert.equal(scaledObject.spec.minReplicaCount, 1);
    const uncapped = find(render(['keda-values.yaml'], ['kafka.inputTopicPartitions=24']), 'ScaledObject');
    assert.equal(uncapped.spec.maxReplicaCount, 12);
  });

  test('leaves the replica count to KEDA and creates no HPA of its own', () => {
    assert.equal(find(manifests, 'Deployment').spec.replicas, undefined);
    assert.equal(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler'), false);
  });

  test('authenticates the lag reader with the same SASL and TLS secrets as the processor', () => {
    const [trigger] = scaledObject.spec.triggers;
    assert.equal(trigger.metadata.sasl, 'scram_sha512');
    assert.equal(trigger.metadata.tls, 'enable');
    const auth = find(manifests, 'TriggerAuthentication');
    assert.equal(trigger.authenticationRef.name, auth.metadata.name);
    assert.deepEqual(auth.spec.secretTargetRef, [
      { parameter: 'username', name: 'kafka-user', key: 'username' },
      { parameter: 'password', name: 'kafka-user', key: 'password' },
      { parameter: 'ca', name: 'kafka-ca', key: 'ca.crt' },
    ]);
  });

  test('adds a ServiceMonitor on the metrics port', () => {
    const monitor = find(manifests, 'ServiceMonitor');
    assert.deepEqual(monitor.spec.endpoints.map((e: any) => [e.port, e.path]), [['http', '/metrics']]);
  });

  test('refuses a minimum above the capped maximum', () => {
    assert.match(renderFailure(['keda-values.yaml'], ['autoscaling.keda.minReplicaCount=5']), /above the replica cap 4/);
  });
});

describe('HPA values', () => {
  const manifests = render(['hpa-values.yaml']);

  test('scales on CPU with maxReplicas capped at the partition count', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.equal(hpa.spec.scaleTargetRef.name, FULLNAME);
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 3);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 60);
    assert.equal(find(manifests, 'Deployment').spec.replicas, undefined);
    assert.equal(manifests.some((m) => m.kind === 'ScaledObject'), false);
  });

  test('cannot be combined with KEDA', () => {
    assert.match(renderFailure(['hpa-values.yaml'], ['autoscaling.keda.enabled=true']), /mutually exclusive/);
  });
});

describe('external model values', () => {
  const manifests = render(['external-model-values.yaml']);
  const pod = find(manifests, 'Deployment').spec.template.spec;
  const container = pod.containers[0];
  const env = containerEnv(manifests);

  test('mounts the bundle read-only from the PVC and points PADELLM_MODEL_DIR at it', () => {
    const volume = pod.volumes.find((v: any) => v.name === 'model');
    assert.deepEqual(volume.persistentVolumeClaim, { claimName: 'padellm-models', readOnly: true });
    const mount = container.volumeMounts.find((m: any) => m.name === 'model');
    assert.deepEqual(mount, { name: 'model', mountPath: '/models', readOnly: true });
    assert.equal(env.get('PADELLM_MODEL_DIR')?.value, '/models/padellm-conll03-small');
    assert.equal(env.get('PADELLM_MODEL_VARIANT')?.value, 'int8');
    assert.equal(pod.initContainers, undefined);
  });

  test('takes any other volume source as is', () => {
    const other = render(['external-model-values.yaml'], ['model.source=volume',
      'model.volume.spec.nfs.server=nfs.local', 'model.volume.spec.nfs.path=/exports/models',
      'model.volume.bundlePath=']);
    const otherPod = find(other, 'Deployment').spec.template.spec;
    const volume = otherPod.volumes.find((v: any) => v.name === 'model');
    assert.deepEqual(volume, { name: 'model', nfs: { server: 'nfs.local', path: '/exports/models' } });
    assert.equal(containerEnv(other).get('PADELLM_MODEL_DIR')?.value, '/models');
  });

  test('passes credentials only through secretKeyRef, never through the ConfigMap', () => {
    const secretRefs = Object.fromEntries([...env].filter(([, v]) => v.valueFrom?.secretKeyRef)
      .map(([name, v]) => [name, v.valueFrom.secretKeyRef]));
    assert.deepEqual(secretRefs, {
      PADELLM_SASL_USERNAME: { name: 'kafka-plain', key: 'user' },
      PADELLM_SASL_PASSWORD: { name: 'kafka-plain', key: 'pass' },
      PADELLM_REGISTRY_USERNAME: { name: 'registry-auth', key: 'username' },
      PADELLM_REGISTRY_PASSWORD: { name: 'registry-auth', key: 'password' },
    });
    const configKeys = Object.keys(find(manifests, 'ConfigMap').data);
    assert.deepEqual(configKeys.filter((k) => /USERNAME|PASSWORD/.test(k)), []);
    assert.equal(manifests.some((m) => m.kind === 'Secret'), false);
  });

  test('mounts the TLS secret as files and points the TLS settings at them', () => {
    const volume = pod.volumes.find((v: any) => v.secret?.secretName === 'kafka-mtls');
    const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
    assert.equal(mount.readOnly, true);
    assert.equal(env.get('PADELLM_TLS')?.value, 'true');
    assert.equal(env.get('PADELLM_TLS_CA_FILE')?.value, `${mount.mountPath}/ca.pem`);
    assert.equal(env.get('PADELLM_TLS_CERT_FILE')?.value, `${mount.mountPath}/client.pem`);
    assert.equal(env.get('PADELLM_TLS_KEY_FILE')?.value, `${mount.mountPath}/client.key`);
    assert.equal(env.get('PADELLM_TLS_REJECT_UNAUTHORIZED')?.value, 'false');
  });

  test('writes large integers as plain digits and rounds the grace period up', () => {
    assert.equal(env.get('PADELLM_MAX_TEXT_CHARS')?.value, '1000000');
    assert.equal(env.get('PADELLM_MAX_TOKENS_PER_PASS')?.value, '8192');
    assert.equal(env.get('PADELLM_SHUTDOWN_TIMEOUT_MS')?.value, '40500');
    assert.equal(pod.terminationGracePeriodSeconds, 41 + 10);
  });
});

