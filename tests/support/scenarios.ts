/**
 * The test server's named scenarios, as data: what each one answers (a stream plan or an error
 * reply) and the exact texts involved. Unit tests, e2e tests and the benchmark import this module
 * to assert on exactly what the server sends. Pure: no I/O, no timers.
 *
 * A person trying `npm run dev:local` picks a scenario by typing its token in a message, e.g.
 * "hi scenario:rate-limit"; the token is stripped from any echoed text.
 */

import { REPLAY_NAMES, type ReplayName } from './providers';

export const SCENARIO_NAMES = [
  'plain',
  'long-markdown',
  'slow',
  'length',
  'content-filter',
  'unauthorized',
  'forbidden',
  'model-not-found',
  'rate-limit',
  'quota',
  'context-length',
  'bad-request',
  'server-error',
  'cut-midway',
  'ends-early',
  'error-in-stream',
  'quirky',
  'no-usage',
  'code-and-math',
  // Replays of particular providers' bytes (providers.ts).
  ...REPLAY_NAMES,
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

const TOKEN_PATTERN = /\bscenario:([a-z][a-z-]*)/g;

/** The first valid `scenario:NAME` token in a message's text, if any. */
export function findScenarioToken(text: string): ScenarioName | undefined {
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const name = match[1];
    if (name !== undefined && isScenarioName(name)) return name;
  }
  return undefined;
}

/** The text without its valid scenario tokens; unknown ones stay so a typo shows in the echo. */
export function stripScenarioTokens(text: string): string {
  return text
    .replace(TOKEN_PATTERN, (token, name: string) => (isScenarioName(name) ? '' : token))
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Errors, with the bodies, statuses and headers OpenAI sends.

/** The `error` object of an OpenAI error body: `{"error": OpenAIError}`. */
export interface OpenAIError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** The `error` object of an Azure OpenAI error body: a code (sometimes the status) and a message. */
export interface AzureError {
  code: string;
  message: string;
}

export interface ErrorReply {
  kind: 'error';
  status: number;
  error: OpenAIError | AzureError;
  /** Sent on top of the server's usual headers. */
  headers?: Readonly<Record<string, string>>;
}

function errorReply(
  status: number,
  error: OpenAIError,
  headers?: Record<string, string>,
): ErrorReply {
  return headers ? { kind: 'error', status, error, headers } : { kind: 'error', status, error };
}

/** Short, so an app that honours retry-after (and its e2e test) waits only a moment. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

/** OpenAI shows the start and end of a wrong key; the server never echoes a key whole. */
export function maskApiKey(key: string): string {
  if (key.length < 10) return '***';
  return `${key.slice(0, 6)}${'*'.repeat(Math.max(3, key.length - 9))}${key.slice(-3)}`;
}

export function invalidApiKeyError(presentedKey: string): ErrorReply {
  return errorReply(401, {
    message: `Incorrect API key provided: ${maskApiKey(presentedKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  });
}

export function missingApiKeyError(): ErrorReply {
  return errorReply(401, {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function modelNotFoundError(model: string): ErrorReply {
  return errorReply(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  });
}

export function invalidUrlError(method: string, path: string): ErrorReply {
  return errorReply(404, {
    message: `Invalid URL (${method} ${path})`,
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function invalidJsonError(): ErrorReply {
  return errorReply(400, {
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

/** A request body OpenAI would reject, e.g. `Missing required parameter: 'messages'.` */
export function invalidParamError(
  message: string,
  param: string | null,
  code: string | null,
): ErrorReply {
  return errorReply(400, { message, type: 'invalid_request_error', param, code });
}

export const SERVER_ERROR: OpenAIError = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

function rateLimitError(model: string): ErrorReply {
  const seconds = RATE_LIMIT_RETRY_AFTER_SECONDS;
  return errorReply(
    429,
    {
      message: `Rate limit reached for ${model} in organization org-parley on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${seconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
    {
      'retry-after': String(seconds),
      'retry-after-ms': String(seconds * 1000),
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${seconds}s`,
    },
  );
}

const FORBIDDEN_ERROR: OpenAIError = {
  message: 'Country, region, or territory not supported',
  type: 'request_forbidden',
  param: null,
  code: 'unsupported_country_region_territory',
};

const QUOTA_ERROR: OpenAIError = {
  message:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
  type: 'insufficient_quota',
  param: null,
  code: 'insufficient_quota',
};

const CONTEXT_LENGTH_ERROR: OpenAIError = {
  message:
    "This model's maximum context length is 16385 tokens. However, your messages resulted in 17000 tokens. Please reduce the length of the messages.",
  type: 'invalid_request_error',
  param: 'messages',
  code: 'context_length_exceeded',
};

const BAD_REQUEST_ERROR: OpenAIError = {
  message:
    "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
  type: 'invalid_request_error',
  param: 'temperature',
  code: 'decimal_above_max_value',
};

// ---------------------------------------------------------------------------------------------
// Streams.

export type FinishReason = 'stop' | 'length' | 'content_filter';

/** What follows a stream's content chunks. */
export type StreamEnding =
  /** finish_reason chunk(s), the usage chunk when asked for, `data: [DONE]`. */
  | { kind: 'finish'; reason: FinishReason }
  /** The socket is destroyed: no finish_reason, no [DONE], the body is cut off. */
  | { kind: 'destroy' }
  /** The response ends cleanly, but without finish_reason or [DONE]. */
  | { kind: 'end' }
  /** A `data: {"error": ...}` event, as some providers send mid-stream, then a clean end. */
  | { kind: 'error-event'; error: OpenAIError };

/** How reply text is cut into content chunks. */
export type Split =
  /** Groups of whole words (with their trailing whitespace), like tokens. */
  | { by: 'words'; perChunk: number }
  /** Exactly `count` pieces of near-equal length, cut anywhere (but never inside a character). */
  | { by: 'pieces'; count: number };

export interface StreamPlan {
  kind: 'stream';
  /** Text of choice 0; choice i > 0 is prefixed `Choice ${i + 1}: `. */
  text: string;
  split: Split;
  ending: StreamEnding;
  /** Overrides the server's chunkDelayMs. */
  chunkDelayMs?: number;
  /** `if-asked`: per stream_options.include_usage, like OpenAI. */
  usage: 'if-asked' | 'never' | 'always';
  /** `quirky`: framed the way assorted compatible providers frame it (see wire.ts). */
  layout: 'standard' | 'quirky';
}

/** A provider's own bytes, built by providers.ts from the completion being answered. */
export interface ReplayPlan {
  kind: 'replay';
  name: ReplayName;
}

export type ScenarioPlan = StreamPlan | ErrorReply | ReplayPlan;

function isReplayName(name: string): name is ReplayName {
  return (REPLAY_NAMES as readonly string[]).includes(name);
}

export interface ScenarioContext {
  /** The last user message's text, scenario tokens stripped. */
  userText: string;
  /** The model the request asked for. */
  model: string;
  /** The key the request presented (the 'unauthorized' scenario masks it into its message). */
  apiKey: string;
}

export const SLOW_CHUNKS = 40;
export const SLOW_CHUNK_DELAY_MS = 150;

export function plainReply(userText: string): string {
  return `You said: ${userText}`;
}

const SLOW_TAIL =
  ' This reply is deliberately slow, so that there is time to press Stop while it is still arriving. Every piece waits a little before the next one, the way a busy model does.';

function words(text: string, perChunk = 1): StreamPlan {
  return {
    kind: 'stream',
    text,
    split: { by: 'words', perChunk },
    ending: { kind: 'finish', reason: 'stop' },
    usage: 'if-asked',
    layout: 'standard',
  };
}

function endingWith(text: string, ending: StreamEnding): StreamPlan {
  return { ...words(text), ending };
}

/** What a scenario answers to a chat request. */
export function scenarioPlan(name: ScenarioName, context: ScenarioContext): ScenarioPlan {
  if (isReplayName(name)) return { kind: 'replay', name };
  const plain = plainReply(context.userText);
  switch (name) {
    case 'plain':
      return words(plain);
    case 'long-markdown':
      return words(LONG_MARKDOWN, 2);
    case 'slow':
      return {
        ...words(plain + SLOW_TAIL),
        split: { by: 'pieces', count: SLOW_CHUNKS },
        chunkDelayMs: SLOW_CHUNK_DELAY_MS,
      };
    case 'length':
      return endingWith(
        `${plain}. Here the answer keeps going and going until the token limit cuts it off in the mid`,
        { kind: 'finish', reason: 'length' },
      );
    case 'content-filter':
      return endingWith(`${plain}. The rest of this reply was withheld by the`, {
        kind: 'finish',
        reason: 'content_filter',
      });
    case 'unauthorized':
      return invalidApiKeyError(context.apiKey);
    case 'forbidden':
      return errorReply(403, FORBIDDEN_ERROR);
    case 'model-not-found':
      return modelNotFoundError(context.model);
    case 'rate-limit':
      return rateLimitError(context.model);
    case 'quota':
      return errorReply(429, QUOTA_ERROR);
    case 'context-length':
      return errorReply(400, CONTEXT_LENGTH_ERROR);
    case 'bad-request':
      return errorReply(400, BAD_REQUEST_ERROR);
    case 'server-error':
      return errorReply(500, SERVER_ERROR);
    case 'cut-midway':
      return endingWith(`${plain}. This reply is cut off in the middle of`, { kind: 'destroy' });
    case 'ends-early':
      return endingWith(`${plain}. This reply stops before the server says it is`, { kind: 'end' });
    case 'error-in-stream':
      return endingWith(`${plain}. This reply stops when the provider reports an`, {
        kind: 'error-event',
        error: SERVER_ERROR,
      });
    case 'quirky':
      return { ...words(plain), usage: 'always', layout: 'quirky' };
    case 'no-usage':
      return { ...words(plain), usage: 'never' };
    case 'code-and-math':
      return words(CODE_AND_MATH, 2);
    default:
      return assertNever(name);
  }
}

/** The benchmark's stream: `text` in exactly `chunks` pieces, `chunkDelayMs` apart. */
export interface CustomStream {
  text: string;
  chunks: number;
  chunkDelayMs: number;
}

export function customStreamPlan({ text, chunks, chunkDelayMs }: CustomStream): StreamPlan {
  return {
    ...words(text),
    split: { by: 'pieces', count: Math.max(1, Math.floor(chunks)) },
    chunkDelayMs,
  };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Markdown. Non-ASCII characters (é, ï, →, —) are on purpose: they are multi-byte in UTF-8, so a
// client that decodes network chunks one by one garbles them. All are in the BMP, so slicing by
// UTF-16 code units never splits a character.

function markdownSection(n: number): string {
  const fence = '```';
  return `## Section ${n}: streaming notes

Parley renders **bold**, *italic*, ***both*** and \`inline code\` while the reply streams in. The
[chat API reference](https://platform.openai.com/docs/api-reference/chat) describes the wire
format — and a naïve décodeur breaks on split UTF‑8 → so test it.

### Steps

1. Open conversation ${n}.
2. Type a message and press **Send**.
3. Watch the chunks arrive, ${n * 3} of them per second.

### Checklist

- Headings stay headings
- Lists keep their *numbers*
  - nested items indent
  - and keep \`code\`
- Links open in a [new tab](https://example.com/parley/${n})

> A stored reply is flushed at least once a second,
> so a reload loses at most a second of text.

${fence}ts
export function total${n}(values: number[]): number {
  return values.reduce((sum, value) => sum + value, ${n});
}
${fence}

${fence}python
def total_${n}(values: list[int]) -> int:
    """Adds the values, starting from ${n}."""
    return sum(values, ${n})
${fence}

| Model | Context | Tokens/s | Notes |
| --- | ---: | ---: | :--- |
| gpt-4o-mini | 128k | ${((n * 37) % 90) + 10} | fast |
| gpt-4.1 | 1M | ${((n * 53) % 70) + 20} | long context |
| o4-mini | 200k | ${((n * 71) % 50) + 30} | *reasoning* |

`;
}

/** The 'long-markdown' reply: every construct the renderer must handle, twice. */
export const LONG_MARKDOWN = `# A tour of Markdown

This reply exercises the renderer: headings, lists, code in two languages, a table, quotes.

${markdownSection(1)}${markdownSection(2)}That is all.`;

/**
 * Realistic Markdown of exactly `targetChars` characters, the same every time (benchmark input).
 * `withMath` adds a section of TeX (inline, display, prices that are not math) after each one.
 */
export function markdownCorpus(targetChars: number, withMath = false): string {
  const parts = ['# Benchmark corpus\n\n'];
  let length = parts[0]?.length ?? 0;
  for (let n = 1; length < targetChars; n++) {
    const section = markdownSection(n) + (withMath ? mathSection(n) : '');
    parts.push(section);
    length += section.length;
  }
  return parts.join('').slice(0, Math.max(0, targetChars));
}

function mathSection(n: number): string {
  return `### Math ${n}

The mean is $\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i$ and the variance \\(\\sigma^2\\) of ${n} samples.
A plan costs $${n} a month and $${n * 10} a year; \`$HOME\` and $PATH:$HOME stay text.

$$
\\int_0^{${n}} e^{-x^2}\\,dx \\approx \\frac{\\sqrt{\\pi}}{2}
$$

\\[
A_{${n}} = \\begin{pmatrix} 1 & ${n} \\\\ 0 & 1 \\end{pmatrix}
\\]

`;
}

/**
 * The 'code-and-math' reply: fenced code in several languages (one unknown, one without a
 * language), inline and display math in every delimiter, prices and shell variables that must
 * stay text, and TeX that does not parse.
 */
export const CODE_AND_MATH = `Here is code in a few languages.

\`\`\`ts
export function add(a: number, b: number): number {
  return a + b; // the sum
}
\`\`\`

\`\`\`python
def greet(name: str) -> str:
    return f"Hello, {name}!"
\`\`\`

\`\`\`sh
echo "$HOME" && export PATH="$PATH:$HOME/bin"
\`\`\`

\`\`\`rust
fn main() { println!("{}", 1 + 2); }
\`\`\`

\`\`\`json
{ "name": "parley", "private": true }
\`\`\`

\`\`\`klingon
Qapla'
\`\`\`

\`\`\`
plain text without a language
\`\`\`

Math: $E = mc^2$, \\(a^2 + b^2 = c^2\\) and

$$
\\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}
$$

\\[
\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}
\\]

It costs $5 and $10; \`$HOME\` and $PATH:$HOME are shell variables. Broken: $\\frac{1}{$ stays.
`;
