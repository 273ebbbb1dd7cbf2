/** Chat models and embeddings. Operation paths are appended to the base URL's path (see docs/scanner.md). */
import type { CatalogEntry } from '../types.js';

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

function openaiCompatible(id: string, title: string, provider: string, module: string, exportName: string, base: string, keyEnv: string, suffix: string, init?: string): CatalogEntry {
  return {
    id,
    title,
    kind: 'chat_model',
    provider,
    js: [{ module, exports: [exportName] }],
    endpoint: { from: ['0.baseURL', '0.baseUrl', '0.configuration.baseURL'], default: base, fixProperty: 'configuration.baseURL', gatewaySuffix: suffix },
    credential: { from: ['0.apiKey'], env: [keyEnv] },
    model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    ...(init ? { initChatModel: { provider: init } } : {}),
  };
}

export const MODEL_ENTRIES: CatalogEntry[] = [
  {
    id: 'openai.chat', title: 'OpenAI chat model', kind: 'chat_model', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['ChatOpenAI'], alsoFrom: ['@langchain/community/chat_models/openai'] }],
    python: [{ module: 'langchain_openai', name: 'ChatOpenAI' }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    initChatModel: { provider: 'openai', modelPrefixes: ['gpt-', 'o1', 'o3', 'o4', 'chatgpt', 'text-davinci'] },
  },
  {
    id: 'openai.embeddings', title: 'OpenAI embeddings', kind: 'embeddings', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['OpenAIEmbeddings'] }],
    python: [{ module: 'langchain_openai', name: 'OpenAIEmbeddings' }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/embeddings' },
  },
  {
    id: 'openai.llm', title: 'OpenAI completions model', kind: 'chat_model', provider: 'openai',
    js: [{ module: '@langchain/openai', exports: ['OpenAI'] }],
    python: [{ module: 'langchain_openai', name: 'OpenAI' }],
    endpoint: OPENAI_ENDPOINT, credential: OPENAI_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/completions' },
  },
  {
    id: 'azure-openai.chat', title: 'Azure OpenAI chat model', kind: 'chat_model', provider: 'azure-openai',
    js: [{ module: '@langchain/openai', exports: ['AzureChatOpenAI'] }],
    python: [{ module: 'langchain_openai', name: 'AzureChatOpenAI' }],
    endpoint: AZURE_ENDPOINT, credential: AZURE_KEY, model: AZURE_MODEL,
    operation: { kind: 'http', method: 'POST', path: '/deployments/{model}/chat/completions' },
    initChatModel: { provider: 'azure_openai' },
  },
  {
    id: 'azure-openai.embeddings', title: 'Azure OpenAI embeddings', kind: 'embeddings', provider: 'azure-openai',
    js: [{ module: '@langchain/openai', exports: ['AzureOpenAIEmbeddings'] }],
    python: [{ module: 'langchain_openai', name: 'AzureOpenAIEmbeddings' }],
    endpoint: AZURE_ENDPOINT, credential: AZURE_KEY, model: AZURE_MODEL,
    operation: { kind: 'http', method: 'POST', path: '/deployments/{model}/embeddings' },
  },
  {
    id: 'anthropic.chat', title: 'Anthropic chat model', kind: 'chat_model', provider: 'anthropic',
    js: [{ module: '@langchain/anthropic', exports: ['ChatAnthropic', 'ChatAnthropicMessages'] }],
    python: [{ module: 'langchain_anthropic', name: 'ChatAnthropic' }],
    endpoint: ANTHROPIC_ENDPOINT, credential: { from: ['0.apiKey', '0.anthropicApiKey'], env: ['ANTHROPIC_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/messages' },
    initChatModel: { provider: 'anthropic', modelPrefixes: ['claude'] },
  },
  {
    id: 'google-genai.chat', title: 'Google Gemini API chat model', kind: 'chat_model', provider: 'google-genai',
    js: [{ module: '@langchain/google-genai', exports: ['ChatGoogleGenerativeAI'] }],
    python: [{ module: 'langchain_google_genai', name: 'ChatGoogleGenerativeAI' }],
    endpoint: GENAI_ENDPOINT, credential: { from: ['0.apiKey'], env: ['GOOGLE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1beta/models/{model}:generateContent' },
    initChatModel: { provider: 'google-genai' },
  },
  {
    id: 'google-genai.embeddings', title: 'Google Gemini API embeddings', kind: 'embeddings', provider: 'google-genai',
    js: [{ module: '@langchain/google-genai', exports: ['GoogleGenerativeAIEmbeddings'] }],
    python: [{ module: 'langchain_google_genai', name: 'GoogleGenerativeAIEmbeddings' }],
    endpoint: GENAI_ENDPOINT, credential: { from: ['0.apiKey'], env: ['GOOGLE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1beta/models/{model}:batchEmbedContents' },
  },
  {
    id: 'google-vertexai.chat', title: 'Google Vertex AI chat model', kind: 'chat_model', provider: 'google-vertexai',
    js: [{ module: '@langchain/google-vertexai', exports: ['ChatVertexAI'], alsoFrom: ['@langchain/google-vertexai-web'] }],
    python: [{ module: 'langchain_google_vertexai', name: 'ChatVertexAI' }],
    endpoint: VERTEX_ENDPOINT, credential: VERTEX_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/projects/project/locations/location/publishers/google/models/{model}:generateContent' },
    initChatModel: { provider: 'google-vertexai', modelPrefixes: ['gemini'] },
  },
  {
    id: 'google-vertexai.embeddings', title: 'Google Vertex AI embeddings', kind: 'embeddings', provider: 'google-vertexai',
    js: [{ module: '@langchain/google-vertexai', exports: ['VertexAIEmbeddings'] }],
    python: [{ module: 'langchain_google_vertexai', name: 'VertexAIEmbeddings' }],
    endpoint: VERTEX_ENDPOINT, credential: VERTEX_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/projects/project/locations/location/publishers/google/models/{model}:predict' },
  },
  {
    id: 'mistralai.chat', title: 'Mistral AI chat model', kind: 'chat_model', provider: 'mistralai',
    js: [{ module: '@langchain/mistralai', exports: ['ChatMistralAI'] }],
    python: [{ module: 'langchain_mistralai', name: 'ChatMistralAI' }],
    endpoint: MISTRAL_ENDPOINT, credential: { from: ['0.apiKey'], env: ['MISTRAL_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/chat/completions' },
    initChatModel: { provider: 'mistralai', modelPrefixes: ['mistral', 'codestral', 'open-mistral'] },
  },
  {
    id: 'mistralai.embeddings', title: 'Mistral AI embeddings', kind: 'embeddings', provider: 'mistralai',
    js: [{ module: '@langchain/mistralai', exports: ['MistralAIEmbeddings'] }],
    python: [{ module: 'langchain_mistralai', name: 'MistralAIEmbeddings' }],
    endpoint: MISTRAL_ENDPOINT, credential: { from: ['0.apiKey'], env: ['MISTRAL_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v1/embeddings' },
  },
  {
    id: 'groq.chat', title: 'Groq chat model', kind: 'chat_model', provider: 'groq',
    js: [{ module: '@langchain/groq', exports: ['ChatGroq'] }],
    python: [{ module: 'langchain_groq', name: 'ChatGroq' }],
    endpoint: { from: ['0.baseUrl'], env: ['GROQ_BASE_URL'], default: 'https://api.groq.com/openai/v1', fixProperty: 'baseUrl', gatewaySuffix: '/openai/v1' },
    credential: { from: ['0.apiKey'], env: ['GROQ_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    initChatModel: { provider: 'groq' },
  },
  {
    id: 'ollama.chat', title: 'Ollama chat model', kind: 'chat_model', provider: 'ollama',
    js: [{ module: '@langchain/ollama', exports: ['ChatOllama'], alsoFrom: ['@langchain/community/chat_models/ollama'] }],
    python: [{ module: 'langchain_ollama', name: 'ChatOllama' }],
    endpoint: OLLAMA_ENDPOINT, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/api/chat' },
    initChatModel: { provider: 'ollama' },
  },
  {
    id: 'ollama.embeddings', title: 'Ollama embeddings', kind: 'embeddings', provider: 'ollama',
    js: [{ module: '@langchain/ollama', exports: ['OllamaEmbeddings'] }],
    python: [{ module: 'langchain_ollama', name: 'OllamaEmbeddings' }],
    endpoint: OLLAMA_ENDPOINT, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/api/embed' },
  },
  {
    id: 'bedrock.chat', title: 'Amazon Bedrock chat model', kind: 'chat_model', provider: 'bedrock',
    js: [{ module: '@langchain/aws', exports: ['ChatBedrockConverse'] }, { module: '@langchain/community/chat_models/bedrock', exports: ['BedrockChat'] }],
    python: [{ module: 'langchain_aws', name: 'ChatBedrockConverse' }],
    endpoint: BEDROCK_ENDPOINT, credential: BEDROCK_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/model/{model}/converse' },
    initChatModel: { provider: 'bedrock', modelPrefixes: ['anthropic.', 'amazon.', 'meta.'] },
  },
  {
    id: 'bedrock.embeddings', title: 'Amazon Bedrock embeddings', kind: 'embeddings', provider: 'bedrock',
    js: [{ module: '@langchain/aws', exports: ['BedrockEmbeddings'] }],
    python: [{ module: 'langchain_aws', name: 'BedrockEmbeddings' }],
    endpoint: BEDROCK_ENDPOINT, credential: BEDROCK_KEY, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/model/{model}/invoke' },
  },
  {
    id: 'cohere.chat', title: 'Cohere chat model', kind: 'chat_model', provider: 'cohere',
    js: [{ module: '@langchain/cohere', exports: ['ChatCohere'] }],
    python: [{ module: 'langchain_cohere', name: 'ChatCohere' }],
    endpoint: COHERE_ENDPOINT, credential: { from: ['0.apiKey'], env: ['COHERE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v2/chat' },
    initChatModel: { provider: 'cohere', modelPrefixes: ['command'] },
  },
  {
    id: 'cohere.embeddings', title: 'Cohere embeddings', kind: 'embeddings', provider: 'cohere',
    js: [{ module: '@langchain/cohere', exports: ['CohereEmbeddings'] }],
    python: [{ module: 'langchain_cohere', name: 'CohereEmbeddings' }],
    endpoint: COHERE_ENDPOINT, credential: { from: ['0.apiKey'], env: ['COHERE_API_KEY'] }, model: MODEL,
    operation: { kind: 'http', method: 'POST', path: '/v2/embed' },
  },
  openaiCompatible('fireworks.chat', 'Fireworks chat model', 'fireworks', '@langchain/community/chat_models/fireworks', 'ChatFireworks', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_API_KEY', '/inference/v1', 'fireworks'),
  openaiCompatible('togetherai.chat', 'Together AI chat model', 'togetherai', '@langchain/community/chat_models/togetherai', 'ChatTogetherAI', 'https://api.together.xyz/v1', 'TOGETHER_AI_API_KEY', '/v1', 'together'),
  openaiCompatible('deepseek.chat', 'DeepSeek chat model', 'deepseek', '@langchain/deepseek', 'ChatDeepSeek', 'https://api.deepseek.com', 'DEEPSEEK_API_KEY', '', 'deepseek'),
  openaiCompatible('xai.chat', 'xAI chat model', 'xai', '@langchain/xai', 'ChatXAI', 'https://api.x.ai/v1', 'XAI_API_KEY', '/v1', 'xai'),
  {
    id: 'langchain.init-chat-model', title: 'initChatModel("provider:model")', kind: 'chat_model', provider: null,
    js: [{ module: 'langchain/chat_models/universal', exports: ['initChatModel'] }, { module: 'langchain', exports: ['initChatModel'] }],
    python: [{ module: 'langchain.chat_models', name: 'init_chat_model' }],
    endpoint: {},
    operation: { kind: 'http', method: 'POST', path: '/chat/completions' },
    special: 'init-chat-model',
  },
];
