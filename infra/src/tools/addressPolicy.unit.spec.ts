import { expect } from 'chai';
import { ConfigError } from '../config.js';
import { isAllowedHost, isForbiddenAddress, isForbiddenHostName, parseAllowedHosts } from './addressPolicy.js';

describe('tool address policy', () => {
  describe('isForbiddenAddress', () => {
    const forbidden: Record<string, string[]> = {
      loopback: ['127.0.0.1', '127.255.0.9', '::1'],
      'private (RFC 1918)': ['10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1'],
      'link-local, the cloud metadata service included': ['169.254.169.254', '169.254.0.1', 'fe80::1', 'fe80::1%eth0'],
      'unique-local, AWS metadata over IPv6 included': ['fd00:ec2::254', 'fc00::1'],
      unspecified: ['0.0.0.0', '0.1.2.3', '::'],
      'carrier-grade NAT': ['100.64.0.1', '100.127.255.254'],
      broadcast: ['255.255.255.255'],
      multicast: ['224.0.0.1', 'ff02::1'],
      reserved: ['240.0.0.1', '192.0.2.1', '198.18.0.1', '2001:db8::1'],
      'IPv4-mapped IPv6 of a forbidden IPv4': ['::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:a00:1'],
      'IPv6 that embeds an IPv4 a gateway may route inside (IPv4-compatible, NAT64, 6to4)': ['::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1'],
      'not an address at all': ['', 'example.com', '999.1.1.1'],
    };
    for (const [range, addresses] of Object.entries(forbidden)) {
      it(`refuses ${range}`, () => {
        for (const address of addresses) expect(isForbiddenAddress(address), address).to.equal(true);
      });
    }

    it('lets public unicast addresses through, IPv4-mapped ones judged as their IPv4', () => {
      for (const address of ['1.1.1.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
        expect(isForbiddenAddress(address), address).to.equal(false);
      }
    });
  });

  describe('isForbiddenHostName', () => {
    it('refuses names that mean this machine or the metadata service, whatever their case or root dot', () => {
      for (const name of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'metadata', 'metadata.google.internal', 'Metadata.Google.Internal.']) {
        expect(isForbiddenHostName(name), name).to.equal(true);
      }
    });

    it('lets other names through (their addresses are judged at lookup)', () => {
      for (const name of ['example.com', 'localhost.example.com', 'metadata.example.com', 'mylocalhost']) {
        expect(isForbiddenHostName(name), name).to.equal(false);
      }
    });
  });

  describe('parseAllowedHosts', () => {
    it('is empty when unset or blank', () => {
      expect(parseAllowedHosts(undefined).size).to.equal(0);
      expect(parseAllowedHosts(' , ').size).to.equal(0);
    });

    it('trims and lowercases comma-separated hosts, keeps ports, and writes IP literals canonically', () => {
      expect([...parseAllowedHosts(' API.Example.com , 127.0.0.1:8080,[0:0::1]:9000, 0:0::1 ,[::1], localhost.')]).to.deep.equal([
        'api.example.com',
        '127.0.0.1:8080',
        '[::1]:9000',
        '[::1]',
        'localhost',
      ]);
    });

    it('stops start-up on an entry that is not a host, rather than listing what never matches', () => {
      for (const raw of ['*.example.com', 'http://example.com', 'example.com/x', 'user@example.com', 'a..example']) {
        expect(() => parseAllowedHosts(raw), raw).to.throw(ConfigError, 'AGENT_PLATFORM_TOOL_ALLOWED_HOSTS');
      }
    });

    it('stops start-up on an entry whose port is not a port', () => {
      for (const raw of ['host:', 'host:http', 'host:0', 'host:70000', '[::1]:x']) {
        expect(() => parseAllowedHosts(raw), raw).to.throw(ConfigError, 'AGENT_PLATFORM_TOOL_ALLOWED_HOSTS');
      }
    });
  });

  describe('isAllowedHost', () => {
    const allowed = parseAllowedHosts('tools.internal,127.0.0.1:8080,[::1]:443');
    const check = (url: string) => isAllowedHost(allowed, new URL(url));

    it('allows any port of a host listed without one', () => {
      expect(check('http://tools.internal/a')).to.equal(true);
      expect(check('https://TOOLS.internal:9443/a')).to.equal(true);
    });

    it('allows only the listed port of a host listed with one, the scheme\'s default port included', () => {
      expect(check('http://127.0.0.1:8080/')).to.equal(true);
      expect(check('http://127.0.0.1:8081/')).to.equal(false);
      expect(check('http://127.0.0.1/')).to.equal(false);
      expect(check('https://[::1]/')).to.equal(true);
      expect(check('http://[0:0::1]:443/')).to.equal(true);
    });

    it('matches a host however it is spelled: its root dot, its case, Unicode or punycode, on either side', () => {
      const listed = (entry: string, url: string) => isAllowedHost(parseAllowedHosts(entry), new URL(url));
      for (const [entry, url] of [
        ['crm.example', 'http://crm.example./'],
        ['crm.example.', 'http://crm.example/'],
        ['crm.example', 'http://CRM.Example/'],
        ['CRM.Example', 'http://crm.example/'],
        ['bücher.example', 'http://xn--bcher-kva.example/'],
        ['xn--bcher-kva.example', 'http://bücher.example./'],
        ['BÜCHER.example:8443', 'https://xn--bcher-kva.example:8443/'],
      ]) {
        expect(listed(entry!, url!), `${entry} lets ${url} through`).to.equal(true);
      }
      expect(listed('bücher.example', 'http://bucher.example/')).to.equal(false);
    });

    it('matches the host itself, not a name that merely contains it', () => {
      expect(check('http://evil.tools.internal/')).to.equal(false);
      expect(check('http://tools.internal.evil.com/')).to.equal(false);
    });
  });
});
