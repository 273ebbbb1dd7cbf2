/** Chat models and embeddings. Operation paths are appended to the base URL's path (see docs/scanner.md). */
import type { CatalogEntry, PyBinding } from '../types.js';

const OPENAI_ENDPOINT = {
  from: ['0.configuration.baseURL', '0.configuration.basePath'],
  env: ['OPENAI_BASE_URL'],
  default: 'https://api.openai.com/v1',
  fixProperty: 'configuration.baseURL',
  gatewaySuffix: '/v1',
};
const OPENAI_KEY = { from: ['0.apiKey', '0.openAIApiKey', '0.configuration.apiKey'], env: ['OPENAI_API_KEY'] };
const MODEL = ['0.model', '0.modelName', '0'];

const AZURE_ENDPOINT = {
  from: ['0.azureOpenAIEndpoint', '0.azureOpenAIBasePath', '0.configuration.baseURL'],
  template: { from: ['0.azureOpenAIApiInstanceName'], env: ['AZURE_OPENAI_API_INSTANCE_NAME'], url: 'https://{}.openai.azure.com/openai' },
  env: ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_BASE_PATH'],
  fixProperty: 'azureOpenAIBasePath',
  gatewaySuffix: '/openai',
};
const AZURE_KEY = { from: ['0.azureOpenAIApiKey', '0.apiKey'], env: ['AZURE_OPENAI_API_KEY'] };
const AZURE_MODEL = ['0.azureOpenAIApiDeploymentName', '0.deploymentName', '0.model'];

const ANTHROPIC_ENDPOINT = { from: ['0.anthropicApiUrl', '0.clientOptions.baseURL'], env: ['ANTHROPIC_BASE_URL'], default: 'https://api.anthropic.com', fixProperty: 'anthropicApiUrl', gatewaySuffix: '' };
const GENAI_ENDPOINT = { from: ['0.baseUrl'], default: 'https://generativelanguage.googleapis.com', fixProperty: 'baseUrl', gatewaySuffix: '' };
const VERTEX_ENDPOINT = {
  from: ['0.endpoint', '0.apiEndpoint'],
  template: { from: ['0.location'], env: ['GOOGLE_CLOUD_LOCATION'], url: 'https://{}-aiplatform.googleapis.com' },
  default: 'https://us-central1-aiplatform.googleapis.com',
  fixProperty: 'endpoint',
  gatewaySuffix: '',
};
const VERTEX_KEY = { from: ['0.apiKey', '0.authOptions.credentials'], env: ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_API_KEY'] };
const MISTRAL_ENDPOINT = { from: ['0.serverURL', '0.endpoint'], default: 'https://api.mistral.ai', fixProperty: 'serverURL', gatewaySuffix: '' };
const OLLAMA_ENDPOINT = { from: ['0.baseUrl'], env: ['OLLAMA_HOST'], default: 'http://127.0.0.1:11434', fixProperty: 'baseUrl', gatewaySuffix: '' };
const BEDROCK_ENDPOINT = {
  from: ['0.endpointHost', '0.endpointUrl'],
  template: { from: ['0.region'], env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], url: 'https://bedrock-runtime.{}.amazonaws.com' },
  fixProperty: 'endpointHost',
  gatewaySuffix: '',
};
const BEDROCK_KEY = { from: ['0.credentials.accessKeyId', '0.credentials'], env: ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE'] };
const COHERE_ENDPOINT = { from: ['0.client'], env: ['CO_API_URL'], default: 'https://api.cohere.com', gatewaySuffix: '' };

/** Python spellings shared by a provider's entries (langchain_* packages take keyword arguments, with aliases). */
const PY_MODEL = ['model', 'model_name'];
const PY_OPENAI = { module: 'langchain_openai', endpoint: ['base_url', 'openai_api_base'], env: ['OPENAI_API_BASE'], credential: ['api_key', 'openai_api_key'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' };
const PY_AZURE = {
  module: 'langchain_openai', endpoint: ['azure_endpoint', 'base_url', 'openai_api_base'], template: [], credential: ['api_key', 'openai_api_key'],
  model: ['azure_deployment', 'deployment_name', 'model'], fixProperty: 'azure_endpoint', keyProperty: 'api_key',
};
const PY_GENAI = { module: 'langchain_google_genai', endpoint: ['base_url', 'client_options.api_endpoint'], credential: ['google_api_key', 'api_key'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'google_api_key' };
const PY_VERTEX = { module: 'langchain_google_vertexai', endpoint: ['api_endpoint', 'base_url'], template: ['location'], credential: ['credentials'], model: PY_MODEL, fixProperty: 'api_endpoint' };
const PY_MISTRAL = { module: 'langchain_mistralai', endpoint: ['base_url', 'endpoint'], env: ['MISTRAL_BASE_URL'], credential: ['api_key', 'mistral_api_key'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' };
const PY_OLLAMA = { module: 'langchain_ollama', endpoint: ['base_url'], model: ['model'], fixProperty: 'base_url' };
const PY_BEDROCK = {
  module: 'langchain_aws', endpoint: ['endpoint_url', 'base_url'], template: ['region_name', 'region'], credential: ['aws_access_key_id', 'credentials_profile_name'],
  model: ['model', 'model_id'], fixProperty: 'endpoint_url',
};
const PY_COHERE = { module: 'langchain_cohere', endpoint: ['base_url'], credential: ['cohere_api_key', 'api_key'], model: ['model'], fixProperty: 'base_url', keyProperty: 'cohere_api_key' };

function openaiCompatible(id: string, title: string, provider: string, module: string | [string, ...string[]], exportName: string, base: string, keyEnv: string, suffix: string, init?: string, python?: PyBinding): CatalogEntry {
  const [first, ...alsoFrom] = typeof module === 'string' ? [module] : module;
  return {
    id,
    title,
    kind: 'chat_model',
    provider,
    js: [{ module: first, exports: [exportName], ...(alsoFrom.length ? { alsoFrom } : {}) }],
    ...(python ? { python: [python] } : {}),
    endpoint: { from: ['0.baseURL', '0.baseUrl', '0.configuration.baseURL'], default: base, fixProperty: 'configuration.baseURL', gatewaySuffix: suffix },
    credential: { from: ['0.apiKey'], env: [keyEnv] },
    model: MODEL,
    operation: exportName.endsWith('Embeddings') ? { kind: 'http', method: 'POST', path: '/embeddings' } : { kind: 'http', method: 'POST', path: '/chat/completions' },
    ...(init ? { initChatModel: { provider: init } } : {}),
  };
}

export const MODEL_ENTRIES: CatalogEntry[] = [
  {
    id: 'openai.chat', title: 'OpenAI chat model', kind: 'chat_model', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['ChatOpenAI'], alsoFrom: ['@langchain/community/chat_models/openai'] }],
    python: [{ ...PY_OPENAI, names: ['ChatOpenAI'], alsoFrom: ['langchain_community.chat_models', 'langchain.chat_models'] }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    initChatModel: { provider: 'openai', modelPrefixes: ['gpt-', 'o1', 'o3', 'o4', 'chatgpt', 'text-davinci'] },
  },
  {
    id: 'openai.embeddings', title: 'OpenAI embeddings', kind: 'embeddings', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['OpenAIEmbeddings'] }],
    python: [{ ...PY_OPENAI, names: ['OpenAIEmbeddings'], alsoFrom: ['langchain_community.embeddings', 'langchain.embeddings'] }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/embeddings' },
  },
  {
    id: 'openai.llm', title: 'OpenAI completions model', kind: 'chat_model', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['OpenAI'] }],
    python: [{ ...PY_OPENAI, names: ['OpenAI'], alsoFrom: ['langchain_community.llms', 'langchain.llms'] }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/completions' },
  },
  {
    id: 'azure-openai.chat', title: 'Azure OpenAI chat model', kind: 'chat_model', provider: 'azure-openai',
    js: [{ module: '@langchain/openai', exports: ['AzureChatOpenAI'] }],
    python: [{ ...PY_AZURE, names: ['AzureChatOpenAI'], alsoFrom: ['langchain_community.chat_models'] }],
    endpoint: AZURE_ENDPOINT, credential: AZURE_KEY, model: AZURE_MODEL,
    operation: { kind: 'http', method: 'POST', path: '/deployments/{model}/chat/completions' },
    initChatModel: { provider: 'azure_openai' },
  },
  {
    id: 'azure-openai.embeddings', title: 'Azure OpenAI embeddings', kind: 'embeddings', provider: 'azure-openai',
    js: [{ module: '@langchain/openai', exports: ['AzureOpenAIEmbeddings'] }],
    python: [{ ...PY_AZURE, names: ['AzureOpenAIEmbeddings'] }],
    endpoint: AZURE_ENDPOINT, credential: AZURE_KEY, model: AZURE_MODEL,
    operation: { kind: 'http', method: 'POST', path: '/deployments/{model}/embeddings' },
  },
  {
    id: 'anthropic.chat', title: 'Anthropic chat model', kind: 'chat_model', provider: 'anthropic',
    js: [{ module: '@langchain/anthropic', exports: ['ChatAnthropic', 'ChatAnthropicMessages'] }],
    python: [{ module: 'langchain_anthropic', names: ['ChatAnthropic'], endpoint: ['base_url', 'anthropic_api_url'], env: ['ANTHROPIC_API_URL'], credential: ['api_key', 'anthropic_api_key'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }],
    endpoint: ANTHROPIC_ENDPOINT, credential: { from: ['0.apiKey', '0.anthropicApiKey'], env: ['ANTHROPIC_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/messages' },
    initChatModel: { provider: 'anthropic', modelPrefixes: ['claude'] },
  },
  {
    id: 'google-genai.chat', title: 'Google Gemini API chat model', kind: 'chat_model', provider: 'google-genai',
    js: [{ module: '@langchain/google-genai', exports: ['ChatGoogleGenerativeAI'] }],
    python: [{ ...PY_GENAI, names: ['ChatGoogleGenerativeAI'] }],
    endpoint: GENAI_ENDPOINT, credential: { from: ['0.apiKey'], env: ['GOOGLE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1beta/models/{model}:generateContent' },
    initChatModel: { provider: 'google-genai' },
  },
  {
    id: 'google-genai.embeddings', title: 'Google Gemini API embeddings', kind: 'embeddings', provider: 'google-genai',
    js: [{ module: '@langchain/google-genai', exports: ['GoogleGenerativeAIEmbeddings'] }],
    python: [{ ...PY_GENAI, names: ['GoogleGenerativeAIEmbeddings'] }],
    endpoint: GENAI_ENDPOINT, credential: { from: ['0.apiKey'], env: ['GOOGLE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1beta/models/{model}:batchEmbedContents' },
  },
  {
    id: 'google-vertexai.chat', title: 'Google Vertex AI chat model', kind: 'chat_model', provider: 'google-vertexai',
    js: [{ module: '@langchain/google-vertexai', exports: ['ChatVertexAI'], alsoFrom: ['@langchain/google-vertexai-web'] }],
    python: [{ ...PY_VERTEX, names: ['ChatVertexAI'] }],
    endpoint: VERTEX_ENDPOINT, credential: VERTEX_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/projects/project/locations/location/publishers/google/models/{model}:generateContent' },
    initChatModel: { provider: 'google-vertexai', modelPrefixes: ['gemini'] },
  },
  {
    id: 'google-vertexai.embeddings', title: 'Google Vertex AI embeddings', kind: 'embeddings', provider: 'google-vertexai',
    js: [{ module: '@langchain/google-vertexai', exports: ['VertexAIEmbeddings'] }],
    python: [{ ...PY_VERTEX, names: ['VertexAIEmbeddings'] }],
    endpoint: VERTEX_ENDPOINT, credential: VERTEX_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/projects/project/locations/location/publishers/google/models/{model}:predict' },
  },
  {
    id: 'mistralai.chat', title: 'Mistral AI chat model', kind: 'chat_model', provider: 'mistralai',
    js: [{ module: '@langchain/mistralai', exports: ['ChatMistralAI'] }],
    python: [{ ...PY_MISTRAL, names: ['ChatMistralAI'] }],
    endpoint: MISTRAL_ENDPOINT, credential: { from: ['0.apiKey'], env: ['MISTRAL_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/chat/completions' },
    initChatModel: { provider: 'mistralai', modelPrefixes: ['mistral', 'codestral', 'open-mistral'] },
  },
  {
    id: 'mistralai.embeddings', title: 'Mistral AI embeddings', kind: 'embeddings', provider: 'mistralai',
    js: [{ module: '@langchain/mistralai', exports: ['MistralAIEmbeddings'] }],
    python: [{ ...PY_MISTRAL, names: ['MistralAIEmbeddings'] }],
    endpoint: MISTRAL_ENDPOINT, credential: { from: ['0.apiKey'], env: ['MISTRAL_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/embeddings' },
  },
  {
    id: 'groq.chat', title: 'Groq chat model', kind: 'chat_model', provider: 'groq',
    js: [{ module: '@langchain/groq', exports: ['ChatGroq'] }],
    python: [{ module: 'langchain_groq', names: ['ChatGroq'], endpoint: ['base_url', 'groq_api_base'], env: ['GROQ_API_BASE'], credential: ['api_key', 'groq_api_key'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.baseUrl'], env: ['GROQ_BASE_URL'], default: 'https://api.groq.com/openai/v1', fixProperty: 'baseUrl', gatewaySuffix: '/openai/v1' },
    credential: { from: ['0.apiKey'], env: ['GROQ_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    initChatModel: { provider: 'groq' },
  },
  {
    id: 'ollama.chat', title: 'Ollama chat model', kind: 'chat_model', provider: 'ollama',
    js: [{ module: '@langchain/ollama', exports: ['ChatOllama'], alsoFrom: ['@langchain/community/chat_models/ollama'] }],
    python: [{ ...PY_OLLAMA, names: ['ChatOllama', 'OllamaLLM'], alsoFrom: ['langchain_community.chat_models'] }],
    endpoint: OLLAMA_ENDPOINT, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/api/chat' },
    initChatModel: { provider: 'ollama' },
  },
  {
    id: 'ollama.embeddings', title: 'Ollama embeddings', kind: 'embeddings', provider: 'ollama',
    js: [{ module: '@langchain/ollama', exports: ['OllamaEmbeddings'] }],
    python: [{ ...PY_OLLAMA, names: ['OllamaEmbeddings'] }],
    endpoint: OLLAMA_ENDPOINT, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/api/embed' },
  },
  {
    id: 'bedrock.chat', title: 'Amazon Bedrock chat model', kind: 'chat_model', provider: 'bedrock',
    js: [{ module: '@langchain/aws', exports: ['ChatBedrockConverse'] }, { module: '@langchain/community/chat_models/bedrock', exports: ['BedrockChat'] }],
    python: [{ ...PY_BEDROCK, names: ['ChatBedrockConverse', 'ChatBedrock'], alsoFrom: ['langchain_community.chat_models'] }],
    endpoint: BEDROCK_ENDPOINT, credential: BEDROCK_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/model/{model}/converse' },
    initChatModel: { provider: 'bedrock', modelPrefixes: ['anthropic.', 'amazon.', 'meta.'] },
  },
  {
    id: 'bedrock.embeddings', title: 'Amazon Bedrock embeddings', kind: 'embeddings', provider: 'bedrock',
    js: [{ module: '@langchain/aws', exports: ['BedrockEmbeddings'] }],
    python: [{ ...PY_BEDROCK, names: ['BedrockEmbeddings'] }],
    endpoint: BEDROCK_ENDPOINT, credential: BEDROCK_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/model/{model}/invoke' },
  },
  {
    id: 'cohere.chat', title: 'Cohere chat model', kind: 'chat_model', provider: 'cohere',
    js: [{ module: '@langchain/cohere', exports: ['ChatCohere'] }],
    python: [{ ...PY_COHERE, names: ['ChatCohere'] }],
    endpoint: COHERE_ENDPOINT, credential: { from: ['0.apiKey'], env: ['COHERE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v2/chat' },
    initChatModel: { provider: 'cohere', modelPrefixes: ['command'] },
  },
  {
    id: 'cohere.embeddings', title: 'Cohere embeddings', kind: 'embeddings', provider: 'cohere',
    js: [{ module: '@langchain/cohere', exports: ['CohereEmbeddings'] }],
    python: [{ ...PY_COHERE, names: ['CohereEmbeddings'] }],
    endpoint: COHERE_ENDPOINT, credential: { from: ['0.apiKey'], env: ['COHERE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v2/embed' },
  },
  openaiCompatible('fireworks.chat', 'Fireworks chat model', 'fireworks', ['@langchain/fireworks', '@langchain/community/chat_models/fireworks'], 'ChatFireworks', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_API_KEY', '/inference/v1', 'fireworks',
    { module: 'langchain_fireworks', names: ['ChatFireworks'], endpoint: ['base_url', 'fireworks_api_base'], credential: ['api_key', 'fireworks_api_key'], credentialEnv: [], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }),
  { ...openaiCompatible('fireworks.embeddings', 'Fireworks embeddings', 'fireworks', ['@langchain/fireworks', '@langchain/community/embeddings/fireworks'], 'FireworksEmbeddings', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_API_KEY', '/inference/v1', undefined,
    { module: 'langchain_fireworks', names: ['FireworksEmbeddings'], endpoint: ['base_url'], credential: ['api_key', 'fireworks_api_key'], model: ['model'], fixProperty: 'base_url', keyProperty: 'api_key' }), kind: 'embeddings' },
  openaiCompatible('togetherai.chat', 'Together AI chat model', 'togetherai', ['@langchain/together-ai', '@langchain/community/chat_models/togetherai'], 'ChatTogetherAI', 'https://api.together.xyz/v1', 'TOGETHER_AI_API_KEY', '/v1', 'together',
    { module: 'langchain_together', names: ['ChatTogether'], endpoint: ['base_url', 'together_api_base'], credential: ['api_key', 'together_api_key'], credentialEnv: ['TOGETHER_API_KEY'], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }),
  { ...openaiCompatible('togetherai.embeddings', 'Together AI embeddings', 'togetherai', ['@langchain/together-ai', '@langchain/community/embeddings/togetherai'], 'TogetherAIEmbeddings', 'https://api.together.xyz/v1', 'TOGETHER_AI_API_KEY', '/v1', undefined,
    { module: 'langchain_together', names: ['TogetherEmbeddings'], endpoint: ['base_url', 'together_api_base'], credential: ['api_key', 'together_api_key'], credentialEnv: ['TOGETHER_API_KEY'], model: ['model'], fixProperty: 'base_url', keyProperty: 'api_key' }), kind: 'embeddings' },
  openaiCompatible('deepseek.chat', 'DeepSeek chat model', 'deepseek', '@langchain/deepseek', 'ChatDeepSeek', 'https://api.deepseek.com', 'DEEPSEEK_API_KEY', '', 'deepseek',
    { module: 'langchain_deepseek', names: ['ChatDeepSeek'], endpoint: ['base_url', 'api_base'], credential: ['api_key'], credentialEnv: [], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }),
  openaiCompatible('xai.chat', 'xAI chat model', 'xai', '@langchain/xai', 'ChatXAI', 'https://api.x.ai/v1', 'XAI_API_KEY', '/v1', 'xai',
    { module: 'langchain_xai', names: ['ChatXAI'], endpoint: ['base_url', 'xai_api_base'], credential: ['api_key', 'xai_api_key'], credentialEnv: [], model: PY_MODEL, fixProperty: 'base_url', keyProperty: 'api_key' }),
  {
    id: 'openai.sdk', title: 'OpenAI SDK client', kind: 'chat_model', provider: 'openai',
    js: [{ module: 'openai', exports: ['default', 'OpenAI'] }],
    python: [{ module: 'openai', names: ['OpenAI', 'AsyncOpenAI'], endpoint: ['base_url'], credential: ['api_key'], fixProperty: 'base_url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.baseURL'], env: ['OPENAI_BASE_URL'], default: 'https://api.openai.com/v1', fixProperty: 'baseURL', gatewaySuffix: '/v1' },
    credential: { from: ['0.apiKey'], env: ['OPENAI_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
  },
  {
    id: 'anthropic.sdk', title: 'Anthropic SDK client', kind: 'chat_model', provider: 'anthropic',
    js: [{ module: '@anthropic-ai/sdk', exports: ['default', 'Anthropic'] }],
    python: [{ module: 'anthropic', names: ['Anthropic', 'AsyncAnthropic'], endpoint: ['base_url'], credential: ['api_key'], fixProperty: 'base_url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.baseURL'], env: ['ANTHROPIC_BASE_URL'], default: 'https://api.anthropic.com', fixProperty: 'baseURL', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['ANTHROPIC_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/v1/messages' },
  },
  {
    id: 'langchain.init-chat-model', title: 'initChatModel("provider:model")', kind: 'chat_model', provider: null,
    js: [{ module: 'langchain/chat_models/universal', exports: ['initChatModel'] }, { module: 'langchain', exports: ['initChatModel'] }],
    python: [{ module: 'langchain.chat_models', names: ['init_chat_model'], model: ['model', '0'] }],
    endpoint: {},
    model: ['0'],
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    special: 'init-chat-model',
  },
  {
    id: 'langchain.agent-model-string', title: 'createAgent({ model: "provider:model" })', kind: 'chat_model', provider: null,
    js: [{ module: 'langchain', exports: ['createAgent'] }],
    python: [{ module: 'langchain.agents', names: ['create_agent'], model: ['model', '0'] }, { module: 'langgraph.prebuilt', names: ['create_react_agent'], model: ['model', '0'] }],
    endpoint: {},
    model: ['0.model'],
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    special: 'init-chat-model',
  },
];
