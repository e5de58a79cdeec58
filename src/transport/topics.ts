// Partition counts of the topics the processor writes, creating missing output and dead-letter topics.
import type { Admin } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { ConfigError } from '../errors.js';

/** Partitions per topic; missing `create` topics are made with as many partitions as `likeTopic`. */
export async function ensureTopics(admin: Admin, likeTopic: string, create: string[], logger: Logger): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  if (!existing.has(likeTopic)) {
    throw new ConfigError(`input topic ${likeTopic} does not exist on the cluster: create it, or fix --input-topic`);
  }
  const [like] = (await admin.fetchTopicMetadata({ topics: [likeTopic] })).topics;
  const missing = [...new Set(create)].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    logger.info({ topics: missing, partitions: like.partitions.length }, 'creating missing output topics');
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: like.partitions.length })) });
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: [likeTopic, ...create] });
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}
