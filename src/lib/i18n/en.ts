/**
 * English strings: the source catalog. Every string a person reads lives here (and in its
 * translations), keyed by a dotted name. `{name}` marks a value filled in by `t()`.
 * The accessible names in shared/UI-CONTRACT.md are fixed: change them only with their tests.
 */
export const en = {
  'app.name': 'Parley',
  'app.loading': 'Opening Parley…',

  'header.settings': 'Settings',

  'setup.title': 'Welcome to Parley',
  'setup.intro':
    'Parley talks to the OpenAI API (or any compatible endpoint) straight from this browser. Your key and your conversations are stored only here, in this browser, and are sent only to the endpoint you choose.',
  'setup.keyHelp': 'Create a key at platform.openai.com → API keys. It starts with “sk-”.',

  'settings.title': 'Settings',
  'settings.apiKey': 'API key',
  'settings.apiKeySaved': 'Saved key: {masked}. Leave empty to keep it.',
  'settings.baseUrl': 'Base URL',
  'settings.baseUrlHelp':
    'Any OpenAI-compatible endpoint, for example http://localhost:11434/v1 for a local server.',
  'settings.language': 'Language',
  'settings.languageAuto': 'Browser language',
  'settings.save': 'Save',
  'settings.saving': 'Checking the key…',
  'settings.saveAnyway': 'Save anyway',
  'settings.close': 'Close',
  'settings.forgetKey': 'Forget key',
  'settings.error.keyRequired': 'Enter your API key.',
  'settings.error.keySpaces':
    'The key contains spaces or line breaks. Paste it again without them.',
  'settings.error.urlInvalid':
    'Enter a full URL starting with https:// (or http:// for a server on this computer).',
  'settings.error.keyRejected':
    'The endpoint rejected this key. Check that you copied the whole key and that it has not been revoked.',
  'settings.error.permission':
    'The endpoint accepted the key but refused access (403). Check the key’s permissions or your region.',
  'settings.error.unreachable':
    'Could not reach {url}. Usually the URL is wrong, the server does not allow requests from a web page (CORS), or you are offline. You can save the settings anyway.',
  'settings.error.other':
    'The endpoint answered with a problem: {detail} You can save the settings anyway.',

  'sidebar.label': 'Conversations',
  'sidebar.newChat': 'New chat',
  'sidebar.search': 'Search conversations',
  'sidebar.searchPlaceholder': 'Search…',
  'sidebar.empty': 'No conversations yet.',
  'sidebar.noMatches': 'No conversation matches “{query}”.',
  'sidebar.rename': 'Rename',
  'sidebar.renameLabel': 'New title for “{title}”',
  'sidebar.delete': 'Delete',
  'sidebar.deleted': 'Deleted “{title}”.',
  'sidebar.undo': 'Undo',
  'sidebar.toggle': 'Conversations list',

  'conversation.untitled': 'New chat',
  'conversation.systemPrompt': 'System prompt',
  'conversation.systemPromptHelp': 'Instructions the model reads before every message.',

  'params.title': 'Parameters',
  'params.model': 'Model',
  'params.temperature': 'Temperature',
  'params.maxTokens': 'Max tokens',
  'params.maxTokensHelp': 'Empty: the model’s own limit.',
  'params.error.model': 'Enter a model id.',
  'params.error.temperature': 'Temperature must be a number from 0 to 2.',
  'params.error.maxTokens': 'Max tokens must be a whole number of at least 1, or empty.',

  'composer.message': 'Message',
  'composer.placeholder': 'Message {model} (Enter sends, Shift+Enter adds a line)',
  'composer.send': 'Send',
  'composer.stop': 'Stop',
  'composer.fixParams': 'Fix the parameters above to send.',

  'transcript.label': 'Conversation',
  'transcript.empty': 'Send a message to start.',
  'transcript.showEarlier': 'Show earlier messages ({count})',

  'message.user': 'User',
  'message.assistant': 'Assistant',
  'message.system': 'System',
  'message.copy': 'Copy',
  'message.copied': 'Copied',
  'message.retry': 'Retry',
  'message.previousVersion': 'Previous version',
  'message.nextVersion': 'Next version',
  'message.openSettings': 'Open settings',
  'message.status.streaming': 'Writing…',
  'message.status.stopped': 'Stopped',
  'message.status.interrupted': 'Interrupted: the page closed while this reply was arriving.',
  'message.finish.length': 'Cut off: max tokens reached',
  'message.finish.content_filter': 'Stopped by the content filter',
  'message.finish.other': 'Finish reason: {reason}',
  'message.usage': '{prompt} prompt + {completion} completion = {total} tokens',
  'message.providerSaid': 'The endpoint said: {detail}',

  'error.auth': 'Your API key was rejected. Open Settings to check or replace it.',
  'error.permission':
    'The endpoint refused access (403). Your key may lack permission for this model, or your region may not be supported.',
  'error.not_found':
    'The model “{model}” is not available at this endpoint. Choose another model in Model above and Retry.',
  'error.rate_limit':
    'Too many requests for now: the endpoint is rate-limiting you. Wait a moment{wait} and Retry.',
  'error.rate_limit.wait': ' (about {seconds} s)',
  'error.quota':
    'Your account has run out of credit (insufficient quota). Add credit or raise the limit in your provider’s billing settings, then Retry.',
  'error.context_length':
    'This conversation is too long for the model’s context window. Start a new chat, shorten the history, or choose a model with a larger context.',
  'error.bad_request':
    'The endpoint refused the request as invalid. Check the parameters above, then Retry.',
  'error.server': 'The endpoint had a problem on its side. Retry in a moment.',
  'error.network':
    'Could not reach the endpoint. Check your connection and the Base URL in Settings; a server that does not allow requests from a web page (CORS) looks the same.',
  'error.incomplete':
    'The connection broke before the reply finished. The text so far is kept; Retry to ask again.',
  'error.aborted': 'The request was stopped.',

  'storage.quota':
    'This browser’s storage for Parley is full, so the latest changes could not be saved. Free some space (delete old conversations) and try again.',
  'storage.blocked':
    'Another Parley tab is holding an older version of the database. Close the other Parley tabs, then reload this one.',
  'storage.unavailable':
    'This browser does not let Parley store data (private mode or blocked storage). Conversations will not be kept.',
  'storage.unknown': 'Saving failed: {detail}',
  'storage.dismiss': 'Dismiss',
  'storage.reload': 'Reload',
} as const;

export type MessageKey = keyof typeof en;
