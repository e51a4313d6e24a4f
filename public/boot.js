// Runs before the first paint: a blocking classic script in index.html's <head> (the
// Content-Security-Policy allows only the app's own script files, so it cannot be inline).
// 1. Applies the theme and language copied to localStorage by src/lib/utils/theme.ts, so a dark
//    page never flashes light while the app loads.
// 2. Starts fetching the chunks the first screen will need (the language's strings, the first-run
//    form, or the chat view for someone who has a key) alongside the entry rather than after it. The build lists them on this script's tag
//    (scripts/first-screen-preload.mjs); in development there are none.
// Keep the keys and values in step with theme.ts.
(function () {
  var root = document.documentElement;
  var theme = null;
  var locale = null;
  var screen = null;
  try {
    theme = localStorage.getItem('parley.theme');
    locale = localStorage.getItem('parley.locale');
    screen = localStorage.getItem('parley.screen');
  } catch {
    // Storage blocked: the page follows the system, as it would on a first visit.
  }
  if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
  if (locale !== 'en' && locale !== 'zh-CN') locale = matchLocale(navigator.languages || []);
  root.lang = locale;

  var script = document.currentScript;
  if (!script) return;
  // A first visit shows the first-run form; a returning one what it showed last time.
  if (screen !== 'chat') screen = 'setup';
  preload(script.getAttribute('data-screen-' + screen));
  preload(script.getAttribute('data-strings-' + locale.toLowerCase() + '-' + screen));

  // The same rule as matchLocale in src/lib/i18n/index.svelte.ts.
  function matchLocale(tags) {
    for (var i = 0; i < tags.length; i++) {
      var tag = String(tags[i]).toLowerCase();
      if (tag.indexOf('zh') === 0) return 'zh-CN';
      if (tag.indexOf('en') === 0) return 'en';
    }
    return 'en';
  }

  function preload(files) {
    if (!files) return;
    files.split(' ').forEach(function (href) {
      var link = document.createElement('link');
      if (/\.css$/.test(href)) {
        // Fetched now, applied when the screen's chunk asks for it (as Vite's loader does:
        // crossorigin too, or the browser would fetch it a second time).
        link.rel = 'preload';
        link.as = 'style';
        link.crossOrigin = '';
      } else {
        link.rel = 'modulepreload';
      }
      link.href = href;
      document.head.appendChild(link);
    });
  }
})();
