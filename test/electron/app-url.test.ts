import { describe, expect, it } from 'vitest';
import { appProtocolLocation, devServerLocation, isExternalWebUrl } from '../../electron/app-url.js';

describe('appProtocolLocation', () => {
  const loc = appProtocolLocation();

  it('loads the built index.html from app://emtesseract/', () => {
    expect(loc.entryUrl).toBe('app://emtesseract/index.html');
  });

  it('trusts that page under any hash route', () => {
    expect(loc.isAppUrl(loc.entryUrl)).toBe(true);
    expect(loc.isAppUrl(`${loc.entryUrl}#/missions/4`)).toBe(true);
  });

  it('trusts nothing else', () => {
    for (const url of [
      'app://emtesseract/other.html',
      'app://evil/index.html',
      'app://emtesseract.evil/index.html',
      'file:///opt/emtesseract/resources/app.asar/dist/renderer/index.html',
      'file:///etc/passwd',
      'https://example.com/',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(loc.isAppUrl(url), url).toBe(false);
    }
  });
});

describe('devServerLocation', () => {
  const loc = devServerLocation('http://localhost:5173/');
  it('trusts only the dev server origin', () => {
    expect(loc.isAppUrl('http://localhost:5173/#/stage')).toBe(true);
    expect(loc.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(loc.isAppUrl('https://localhost:5173/')).toBe(false);
  });
});

describe('isExternalWebUrl', () => {
  it('is true for http(s) links only', () => {
    expect(isExternalWebUrl('https://bsky.app/')).toBe(true);
    expect(isExternalWebUrl('http://example.com/')).toBe(true);
    expect(isExternalWebUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalWebUrl('javascript:alert(1)')).toBe(false);
    expect(isExternalWebUrl('smb://host/share')).toBe(false);
  });
});
