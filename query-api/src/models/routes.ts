import { ModelList, route, type Api, type ModelProvider } from '@agent-platform/infra';

/**
 * The models the configured provider offers, in OpenAI's list shape. Served twice: `/models` is the seed's
 * path, and `/models/models` is where the official client looks (`GET {baseURL}/models`) when its base URL
 * is `<server>/gateway/models`. It asks the provider, not a read model: models are not platform state.
 */
export const modelQueries = (api: Api, models: ModelProvider): void => {
  for (const path of ['/models', '/models/models']) {
    route(api, {
      method: 'get',
      path,
      summary: path === '/models' ? 'List the models of the configured provider' : 'List models (the path the OpenAI client uses)',
      tags: ['models'],
      responses: { 200: { description: "OpenAI's model list.", schema: ModelList } },
      errors: [422, 503],
      handler: async () => {
        const data = await models.listModels();
        return { status: 200, body: { object: 'list', data } satisfies ModelList };
      },
    });
  }
};
