// workerpool's worker script for the pool benchmarks.
import workerpool from 'workerpool';

import { add1, sumSquares } from './pool-tasks.mjs';

workerpool.worker({ add1, sumSquares });
