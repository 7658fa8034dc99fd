import { describe, expect, it } from 'vitest';
import { classifyAddress, isAllowedHost, isLoopbackName, parseIPv6 } from '../../../core/executors/crawl-address.ts';

describe('crawl address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'shared'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.1.1', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2606:4700:4700::1111', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it('is null for names and junk', () => {
    expect(classifyAddress('example.com')).toBeNull();
    expect(classifyAddress('1.2.3')).toBeNull();
    expect(classifyAddress('1:2:3')).toBeNull();
  });

  it('parses IPv6 with an embedded dotted quad', () => {
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
  });

  it('normalizes numeric host forms through the URL parser before classifying', () => {
    for (const u of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/']) {
      expect(classifyAddress(new URL(u).hostname), u).toBe('loopback');
    }
  });

  it('knows localhost names', () => {
    expect(isLoopbackName('localhost')).toBe(true);
    expect(isLoopbackName('LOCALHOST.')).toBe(true);
    expect(isLoopbackName('api.localhost')).toBe(true);
    expect(isLoopbackName('localhost.example.com')).toBe(false);
  });

  it('matches allowed hosts by host or host:port', () => {
    const u = new URL('http://127.0.0.1:5555/x');
    expect(isAllowedHost(u, ['127.0.0.1:5555'])).toBe(true);
    expect(isAllowedHost(u, ['127.0.0.1'])).toBe(true);
    expect(isAllowedHost(u, [' HTTP://127.0.0.1:5555/ '])).toBe(true);
    expect(isAllowedHost(u, ['127.0.0.1:5556'])).toBe(false);
    expect(isAllowedHost(u, ['127.0.0.2'])).toBe(false);
    expect(isAllowedHost(new URL('http://[::1]:8080/'), ['::1'])).toBe(true);
    expect(isAllowedHost(new URL('http://[::1]:8080/'), ['[::1]:8080'])).toBe(true);
    expect(isAllowedHost(new URL('http://intranet.example/'), ['intranet.example:80'])).toBe(true);
    expect(isAllowedHost(new URL('https://intranet.example/'), ['intranet.example:80'])).toBe(false);
  });
});
