import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.js';
import { hostAllowed } from './secrets.js';
import { isAllowedHost, parseAllowedHosts } from './tools/addressPolicy.js';

const S = 'AGENT_PLATFORM_SECRET_';
const refusal = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  return expect.fail(`${JSON.stringify(Object.keys(env))} should be refused`);
};

describe('secrets and their bindings, from the environment', () => {
  it('binds a secret to the hosts and workspaces its _HOSTS and _WORKSPACES name, host names as URL parsing writes them', () => {
    const config = loadConfig({ [`${S}CRM_TOKEN`]: 's3cr3t-value', [`${S}CRM_TOKEN_HOSTS`]: 'CRM.example, *.crm-eu.example,[::1],2130706433', [`${S}CRM_TOKEN_WORKSPACES`]: 'ws-a,ws-b' });
    expect(config.secrets.get('CRM_TOKEN')).to.deep.equal({
      value: 's3cr3t-value',
      hosts: ['crm.example', '*.crm-eu.example', '[::1]', '127.0.0.1'],
      workspaces: new Set(['ws-a', 'ws-b']),
    });
    expect(config.secretWarnings).to.deep.equal([]);
    expect(loadConfig({ [`${S}A_KEY`]: 'abcdefgh', [`${S}A_KEY_HOSTS`]: 'a.example', [`${S}A_KEY_WORKSPACES`]: '*' }).secrets.get('A_KEY')!.workspaces).to.equal('*');
  });

  it('binds a secret to a host however it is spelled: its root dot, its case, Unicode or punycode, on either side', () => {
    const bound = (entry: string, url: string) => {
      const config = loadConfig({ [`${S}CRM_TOKEN`]: 's3cr3t-value', [`${S}CRM_TOKEN_HOSTS`]: entry, [`${S}CRM_TOKEN_WORKSPACES`]: '*' });
      return hostAllowed(config.secrets.get('CRM_TOKEN')!, new URL(url).hostname);
    };
    for (const [entry, url] of [
      ['crm.example', 'https://crm.example./'],
      ['crm.example.', 'https://crm.example/'],
      ['crm.example', 'https://CRM.Example/'],
      ['CRM.Example', 'https://crm.example/'],
      ['*.crm.example', 'https://eu.crm.example./'],
      ['bücher.example', 'https://xn--bcher-kva.example/'],
      ['xn--bcher-kva.example', 'https://bücher.example./'],
    ]) {
      expect(bound(entry!, url!), `${entry} binds ${url}`).to.equal(true);
    }
    expect(bound('bücher.example', 'https://bucher.example/')).to.equal(false);
  });

  it('binds a secret to exactly the spellings of a host the tool allow-list lets through', () => {
    const spellings = ['crm.example', 'crm.example.', 'CRM.Example', 'bücher.example', 'xn--bcher-kva.example', '127.0.0.1', '2130706433', '[::1]', '0:0::1'];
    for (const entry of spellings) {
      const binding = loadConfig({ [`${S}T`]: 's3cr3t-value', [`${S}T_HOSTS`]: entry, [`${S}T_WORKSPACES`]: '*' }).secrets.get('T')!;
      const allowed = parseAllowedHosts(entry);
      for (const spelling of spellings) {
        const url = new URL(`https://${spelling.includes(':') && !spelling.startsWith('[') ? `[${spelling}]` : spelling}/`);
        expect(hostAllowed(binding, url.hostname), `${entry} and ${url.href}`).to.equal(isAllowedHost(allowed, url));
      }
    }
  });

  it('makes a secret without _HOSTS or _WORKSPACES usable nowhere, and warns naming the missing variable', () => {
    const config = loadConfig({ [`${S}CRM_TOKEN`]: 's3cr3t-value' });
    expect(config.secrets.get('CRM_TOKEN')).to.deep.include({ hosts: [] });
    expect(config.secretWarnings).to.have.length(1);
    expect(config.secretWarnings[0]).to.include(`${S}CRM_TOKEN_HOSTS`).and.include(`${S}CRM_TOKEN_WORKSPACES`).and.not.include('s3cr3t');
  });
  it('warns of a binding whose secret is not set', () => {
    expect(loadConfig({ [`${S}GONE_HOSTS`]: 'a.example' }).secretWarnings[0]).to.include(`${S}GONE`);
  });

  it('refuses a host entry that is a bare *, a port or a path, naming the variable', () => {
    for (const hosts of ['*', '*.com', 'crm.example:443', 'crm.example/x', 'user@crm.example']) {
      expect(refusal({ [`${S}CRM_TOKEN`]: 's3cr3t-value', [`${S}CRM_TOKEN_HOSTS`]: hosts }), hosts).to.include(`${S}CRM_TOKEN_HOSTS`);
    }
  });
  it('refuses a secret with CR or LF, which would add headers, and one too short to redact, without echoing it', () => {
    for (const value of ['s3cr3t\r\nx-injected: 1', 'short']) {
      const message = refusal({ [`${S}CRM_TOKEN`]: value });
      expect(message).to.include(`${S}CRM_TOKEN`).and.not.include(value);
    }
  });
});
