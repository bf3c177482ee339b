/**
 * DistributedExecutor runs the shared Executor contract, with an in-test worker per
 * executor on a private redis-server.
 */
import { after, before } from 'node:test';

import { executorContract } from '../futures/executor.contract.js';
import { startRedis, type RedisServer } from '../fixtures/redisServer.js';
import { executorWithWorker, type ExecutorWithWorker } from './harness.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
});

let current: ExecutorWithWorker | null = null;

executorContract({
  name: 'DistributedExecutor',
  make: (options = {}) => {
    current = executorWithWorker(redis.url, {
      ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }),
      ...(options.initializer === undefined ? {} : { initializer: options.initializer }),
      ...(options.initargs === undefined ? {} : { initargs: options.initargs }),
    });
    return current;
  },
  workersCanCrash: false,
  cancelsRunningTasks: false,
  makeCells: () => current!.makeCells(),
  localWorkers: false,
  breaksOnFailingInitializer: false,
  argumentErrorsThrow: true,
  noTerminateWorkers:
    'a DistributedExecutor does not own its workers: they are processes of their own, stopped by SIGTERM',
});
