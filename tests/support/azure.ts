/**
 * Azure OpenAI's side of the test server, for its dated API versions as the `AzureOpenAI` client
 * calls them: the routes (`/openai/deployments/{deployment}/chat/completions` and `/openai/models`,
 * each with `?api-version=`), the `api-key` header, and the error bodies Azure sends
 * (`{"error": {"code", "message"}}`, no type or param). Replies themselves are OpenAI's wire
 * format, from the same scenarios. Pure: no I/O.
 */
import type { AzureError, ErrorReply } from './scenarios';

/** A dated version the server accepts (any well-formed date is accepted). */
export const AZURE_API_VERSION = '2024-10-21';

/** Deployment name → the model it serves. `parley-chat` is named unlike any model on purpose. */
export const DEFAULT_DEPLOYMENTS: Readonly<Record<string, string>> = {
  'parley-chat': 'gpt-4o-mini',
  'gpt-4o': 'gpt-4o',
};

export const AZURE_MODELS_PATH = '/openai/models';
const AZURE_CHAT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export type AzureRoute = { kind: 'models' } | { kind: 'chat'; deployment: string } | undefined;

/** The Azure route a request is for; undefined for another method or path. */
export function azureRoute(method: string, path: string): AzureRoute {
  if (method === 'GET' && path === AZURE_MODELS_PATH) return { kind: 'models' };
  const match = method === 'POST' ? AZURE_CHAT_PATH.exec(path) : null;
  const segment = match?.[1];
  if (segment === undefined) return undefined;
  try {
    return { kind: 'chat', deployment: decodeURIComponent(segment) };
  } catch {
    return undefined;
  }
}

export function isAzureChatPath(path: string): boolean {
  return AZURE_CHAT_PATH.test(path);
}

export function isAzurePath(path: string): boolean {
  return path === '/openai' || path.startsWith('/openai/');
}

function azureError(status: number, error: AzureError): ErrorReply {
  return { kind: 'error', status, error };
}

/** What Azure answers for a path it does not serve, or a request without an api-version. */
export function resourceNotFoundError(): ErrorReply {
  return azureError(404, { code: '404', message: 'Resource not found' });
}

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Azure routes dated API versions only: none is "Resource not found", another shape a 400. */
export function apiVersionError(version: string | null): ErrorReply | undefined {
  if (version === null || version === '') return resourceNotFoundError();
  if (DATED_VERSION.test(version)) return undefined;
  return azureError(400, { code: 'BadRequest', message: 'API version not supported' });
}

/**
 * Azure takes the key in `api-key`. A Bearer header instead is read as a Microsoft Entra token,
 * so a key sent the OpenAI way is refused with the token message.
 */
export function azureAuthError(
  apiKey: string | undefined,
  authorization: string | undefined,
  accepted: string,
): ErrorReply | undefined {
  if (apiKey === accepted) return undefined;
  if (apiKey !== undefined && apiKey !== '') {
    return azureError(401, {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    });
  }
  if (authorization !== undefined) {
    return azureError(401, {
      code: '401',
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
    });
  }
  return azureError(401, {
    code: '401',
    message:
      'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  });
}

/**
 * A dated version from before Azure knew `stream_options` (it arrived with 2024-09-01-preview):
 * such versions reject a body that carries it, in the words Azure used then.
 */
export const AZURE_API_VERSION_WITHOUT_STREAM_OPTIONS = '2024-06-01';
const FIRST_VERSION_WITH_STREAM_OPTIONS = '2024-09-01';

export function streamOptionsError(version: string, body: unknown): ErrorReply | undefined {
  const hasStreamOptions = typeof body === 'object' && body !== null && 'stream_options' in body;
  if (!hasStreamOptions || version.slice(0, 10) >= FIRST_VERSION_WITH_STREAM_OPTIONS) {
    return undefined;
  }
  return {
    kind: 'error',
    status: 400,
    error: {
      message:
        'Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}

export function deploymentNotFoundError(): ErrorReply {
  return azureError(404, {
    code: 'DeploymentNotFound',
    message:
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  });
}

/**
 * GET /openai/models: the models the resource could deploy (not its deployments), in Azure's
 * shape, with status, capabilities and lifecycle fields instead of OpenAI's `owned_by`.
 */
export function azureModelsBody(modelIds: readonly string[], created: number): string {
  const data = modelIds.map((id, i) => ({
    status: 'succeeded',
    capabilities: {
      fine_tune: false,
      inference: true,
      completion: false,
      chat_completion: true,
      embeddings: false,
    },
    lifecycle_status: 'generally-available',
    deprecation: { inference: created + 730 * 86_400 },
    id,
    created_at: created + i * 86_400,
    object: 'model',
  }));
  return JSON.stringify({ data, object: 'list' });
}
