import { describe, expect, it } from 'vitest';
import { playPage } from './play-page.js';

describe('the engine\'s page for a web client', () => {
  it('loads the bundled script as a module, under a title with its markup escaped', () => {
    const page = playPage('<tanks & "friends">');
    expect(page).toContain('<title>&lt;tanks &amp; &quot;friends&quot;&gt;</title>');
    expect(page).toContain('<script type="module" src="/play/main.js"></script>');
    expect(page.startsWith('<!doctype html>')).toBe(true);
  });
});
