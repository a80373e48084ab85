import { expect } from 'chai';
import { createLogger, loadConfig } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { startPlatform } from './platform.js';
import { TEST_ENV } from './testing/server.js';

describeOnEachPostgres('secrets at startup', ({ db }) => {
  it('warns at startup of a secret without _HOSTS, naming the variable to set and not the value', async () => {
    const warnings: string[] = [];
    const log = createLogger('silent');
    log.warn = ((...args: unknown[]) => void warnings.push(JSON.stringify(args))) as typeof log.warn;
    const config = loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: db().url, AGENT_PLATFORM_SECRET_CRM_TOKEN: 's3cr3t-value', AGENT_PLATFORM_SECRET_CRM_TOKEN_WORKSPACES: '*' });
    const platform = await startPlatform(config, log);
    await platform.stop();
    const aboutTheSecret = warnings.filter((w) => w.includes('CRM_TOKEN'));
    expect(aboutTheSecret).to.have.length(1);
    expect(aboutTheSecret[0]).to.include('AGENT_PLATFORM_SECRET_CRM_TOKEN_HOSTS');
    expect(warnings.join('\n')).not.to.include('s3cr3t-value');
  });
});
