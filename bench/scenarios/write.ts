import { skipped, type Scenario } from '../lib/context.ts';

export const writeScenario: Scenario = {
  name: 'write',
  async run() {
    return [skipped('write', 'write', 'not written yet')];
  },
};
