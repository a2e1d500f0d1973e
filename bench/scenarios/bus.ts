import { skipped, type Scenario } from '../lib/context.ts';

export const busScenario: Scenario = {
  name: 'bus',
  async run() {
    return [skipped('bus', 'bus', 'not written yet')];
  },
};
