import { skipped, type Scenario } from '../lib/context.ts';

export const sagaScenario: Scenario = {
  name: 'saga',
  async run() {
    return [skipped('saga', 'saga', 'not written yet')];
  },
};
