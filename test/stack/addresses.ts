// Addresses of the local Kafka + Schema Registry stack for integration tests. scripts/stack/start.sh writes them to
// .stack/env (or $PADELLM_STACK_DIR/env); variables already in the environment win, so CI or a developer can point
// the tests at another cluster.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface StackAddresses {
  /** PLAINTEXT listener, e.g. 127.0.0.1:9092. */
  brokers: string[];
  /** SASL_PLAINTEXT listener with SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN. */
  scramBrokers: string[];
  scramUsername: string;
  scramPassword: string;
  /** SSL listener that requires a client certificate, and the PEM files to reach it. */
  tlsBrokers: string[];
  tlsCaFile: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7. */
  registryUrl: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)); // dist/test/stack/ -> repo root

export function stackEnvFile(): string {
  return join(process.env.PADELLM_STACK_DIR ?? join(repoRoot, '.stack'), 'env');
}

function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) vars[match[1]] = match[2];
  }
  return vars;
}

/** Throws, saying how to start the stack, when neither the environment nor the env file names it. */
export function stackAddresses(): StackAddresses {
  const file = stackEnvFile();
  const vars = { ...readEnvFile(file), ...process.env };
  const need = (name: string): string => {
    const value = vars[name];
    if (!value) {
      throw new Error(
        `local Kafka stack not running: ${name} is neither in the environment nor in ${file}. ` +
          'Start it with `bash scripts/stack/fetch.sh && bash scripts/stack/start.sh` (a stack started by an older ' +
          'version of the scripts: `bash scripts/stack/stop.sh` first).',
      );
    }
    return value;
  };
  return {
    brokers: need('PADELLM_BROKERS').split(','),
    scramBrokers: need('PADELLM_SCRAM_BROKERS').split(','),
    scramUsername: vars.PADELLM_SCRAM_USERNAME ?? 'padellm',
    scramPassword: vars.PADELLM_SCRAM_PASSWORD ?? 'padellm-secret',
    tlsBrokers: need('PADELLM_TLS_BROKERS').split(','),
    tlsCaFile: need('PADELLM_TLS_CA_FILE'),
    tlsCertFile: need('PADELLM_TLS_CERT_FILE'),
    tlsKeyFile: need('PADELLM_TLS_KEY_FILE'),
    registryUrl: need('PADELLM_REGISTRY_URL'),
  };
}
