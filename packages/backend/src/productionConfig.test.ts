import { ConfigReader } from '@backstage/config';
import { productionConfig, readConfigFile } from './__testUtils__/appConfig';

describe('the production image configuration', () => {
  it('keeps four eyes on exemption requests, which the local demo lifts for its one user', () => {
    const key = 'scorecards.exemptions.selfApproval';
    expect(
      ConfigReader.fromConfigs([
        readConfigFile('app-config.yaml'),
      ]).getOptionalBoolean(key),
    ).toBe(true);
    expect(productionConfig().getOptionalBoolean(key)).toBe(false);
  });
});
