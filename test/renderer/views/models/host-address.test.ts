import { describe, expect, it } from 'vitest';
import { hostProblem, normalizeHostInput } from '../../../../renderer/views/models/host-address.js';

describe('a typed Ollama address', () => {
  it('gets http:// when it has no scheme, and loses trailing slashes', () => {
    expect(normalizeHostInput(' 192.168.1.20:11434 ')).toBe('http://192.168.1.20:11434');
    expect(normalizeHostInput('localhost:11434/')).toBe('http://localhost:11434');
    expect(normalizeHostInput('https://ollama.lan/')).toBe('https://ollama.lan');
    expect(hostProblem('localhost:11434', [])).toBeNull();
  });

  it('is refused, in words, when it is no address at all (a bare scheme was once tried as the host "http")', () => {
    for (const typed of ['http://', 'http:', 'https:///', '']) {
      expect(hostProblem(typed, []), typed).toMatch(/not an address|Write the address/);
    }
    expect(hostProblem('ftp://files.lan', [])).toBe('Ollama hosts are reached over http:// or https://.');
    expect(hostProblem('http://127.0.0.1:11434/', ['http://127.0.0.1:11434'])).toBe('This host is already in the list.');
  });
});
