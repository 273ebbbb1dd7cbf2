/** Vector stores and the database clients they are given. A store's target comes from the client it holds. */
import type { CatalogEntry } from '../types.js';

const FACTORIES = ['fromDocuments', 'fromTexts', 'fromExistingIndex', 'fromExistingCollection', 'initialize'];
const PY_FACTORIES = ['from_documents', 'from_texts', 'from_existing_index', 'from_existing_collection', 'afrom_documents', 'afrom_texts'];

export const VECTOR_STORE_ENTRIES: CatalogEntry[] = [
  {
    id: 'pinecone.store', title: 'Pinecone vector store', kind: 'vector_store', provider: 'pinecone',
    js: [{ module: '@langchain/pinecone', exports: ['PineconeStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_pinecone', names: ['PineconeVectorStore', 'Pinecone'], statics: PY_FACTORIES, endpoint: ['index', 'host'], credential: ['pinecone_api_key'] }],
    endpoint: { from: ['*.pineconeIndex'], default: 'https://api.pinecone.io', gatewaySuffix: '' },
    operation: { kind: 'http', method: 'POST', path: '/query' },
  },
  {
    id: 'pinecone.client', title: 'Pinecone client', kind: 'vector_store', provider: 'pinecone',
    js: [{ module: '@pinecone-database/pinecone', exports: ['Pinecone'] }],
    python: [{ module: 'pinecone', names: ['Pinecone'], endpoint: ['host'], credential: ['api_key'], fixProperty: 'host', keyProperty: 'api_key' }],
    endpoint: { from: ['0.controllerHostUrl'], default: 'https://api.pinecone.io', fixProperty: 'controllerHostUrl', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['PINECONE_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/query' },
  },
  {
    id: 'supabase.store', title: 'Supabase vector store', kind: 'vector_store', provider: 'supabase',
    js: [{ module: '@langchain/community/vectorstores/supabase', exports: ['SupabaseVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_community.vectorstores', names: ['SupabaseVectorStore'], statics: PY_FACTORIES, endpoint: ['client'] }],
    endpoint: { from: ['*.client'] },
    operation: { kind: 'http', method: 'POST', path: '/rest/v1/rpc/match_documents' },
  },
  {
    id: 'supabase.client', title: 'Supabase client', kind: 'vector_store', provider: 'supabase',
    js: [{ module: '@supabase/supabase-js', exports: ['createClient'] }],
    python: [{ module: 'supabase', names: ['create_client', 'acreate_client'], endpoint: ['supabase_url', '0'], credential: ['supabase_key', '1'] }],
    endpoint: { from: ['0'], env: ['SUPABASE_URL'] },
    credential: { from: ['1'], env: ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_ANON_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/rest/v1/rpc/match_documents' },
  },
  {
    id: 'qdrant.store', title: 'Qdrant vector store', kind: 'vector_store', provider: 'qdrant',
    js: [{ module: '@langchain/qdrant', exports: ['QdrantVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_qdrant', names: ['QdrantVectorStore'], statics: PY_FACTORIES, endpoint: ['url', 'client', 'location'], credential: ['api_key'], fixProperty: 'url' }],
    endpoint: { from: ['*.url', '*.client'], env: ['QDRANT_URL'], default: 'http://127.0.0.1:6333', fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['*.apiKey'], env: ['QDRANT_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/collections/documents/points/search' },
  },
  {
    id: 'qdrant.client', title: 'Qdrant client', kind: 'vector_store', provider: 'qdrant',
    js: [{ module: '@qdrant/js-client-rest', exports: ['QdrantClient'] }],
    python: [{ module: 'qdrant_client', names: ['QdrantClient', 'AsyncQdrantClient'], requires: ['url', 'host', '0', 'location'], endpoint: ['url', 'location', '0'], fields: { host: ['host'], port: ['port'] }, scheme: 'http', credential: ['api_key'], fixProperty: 'url', keyProperty: 'api_key' }],
    endpoint: { from: ['0.url'], default: 'http://127.0.0.1:6333', fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['QDRANT_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/collections/documents/points/search' },
  },
  {
    id: 'weaviate.store', title: 'Weaviate vector store', kind: 'vector_store', provider: 'weaviate',
    js: [{ module: '@langchain/weaviate', exports: ['WeaviateStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_weaviate', names: ['WeaviateVectorStore'], statics: PY_FACTORIES, endpoint: ['client', '0'] }],
    endpoint: { from: ['*.client'] },
    operation: { kind: 'http', method: 'POST', path: '/v1/graphql' },
  },
  {
    id: 'weaviate.client', title: 'Weaviate client', kind: 'vector_store', provider: 'weaviate',
    js: [{ module: 'weaviate-client', exports: ['default.connectToWeaviateCloud', 'connectToWeaviateCloud', 'default.connectToCustom', 'connectToCustom'] }],
    python: [{ module: 'weaviate', names: ['connect_to_weaviate_cloud', 'connect_to_custom'], endpoint: ['cluster_url', '0'], fields: { host: ['http_host'], port: ['http_port'] }, scheme: 'http', credential: ['auth_credentials'] }],
    endpoint: { from: ['0', '0.httpHost'], env: ['WEAVIATE_URL'] },
    credential: { from: ['1.authCredentials'], env: ['WEAVIATE_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/v1/graphql' },
  },
  {
    id: 'chroma.store', title: 'Chroma vector store', kind: 'vector_store', provider: 'chroma',
    js: [{ module: '@langchain/community/vectorstores/chroma', exports: ['Chroma'], statics: FACTORIES }],
    python: [{ module: 'langchain_chroma', names: ['Chroma'], statics: PY_FACTORIES, requires: ['host', 'client'], endpoint: ['client'], fields: { host: ['host'], port: ['port'] }, scheme: 'http', credential: ['chroma_cloud_api_key'] }],
    endpoint: { from: ['*.url', '*.index'], env: ['CHROMA_URL'], default: 'http://127.0.0.1:8000', fixProperty: 'url', gatewaySuffix: '' },
    operation: { kind: 'http', method: 'POST', path: '/api/v1/collections/documents/query' },
  },
  {
    id: 'pgvector.store', title: 'PGVector store', kind: 'vector_store', provider: 'postgres',
    js: [{ module: '@langchain/community/vectorstores/pgvector', exports: ['PGVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_postgres', names: ['PGVector', 'PGVectorStore'], statics: [...PY_FACTORIES, 'create', 'create_sync'], endpoint: ['connection', 'engine', '0'] }, { module: 'langchain_community.vectorstores', names: ['PGVector'], statics: PY_FACTORIES, endpoint: ['connection_string', 'connection'] }],
    endpoint: {
      from: ['*.postgresConnectionOptions.connectionString', '*.pool'],
      fields: { host: ['*.postgresConnectionOptions.host'], port: ['*.postgresConnectionOptions.port'], database: ['*.postgresConnectionOptions.database'], user: ['*.postgresConnectionOptions.user'] },
      env: ['PGHOST'], scheme: 'postgres', defaultPort: 5432,
    },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'redis.store', title: 'Redis vector store', kind: 'vector_store', provider: 'redis',
    js: [{ module: '@langchain/redis', exports: ['RedisVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_redis', names: ['RedisVectorStore'], statics: PY_FACTORIES, endpoint: ['redis_url', 'redis_client', 'config.redis_url'], env: ['REDIS_URL'] }, { module: 'langchain_community.vectorstores', names: ['Redis'], statics: PY_FACTORIES, endpoint: ['redis_url'], env: ['REDIS_URL'] }],
    endpoint: { from: ['*.redisClient'], default: 'redis://127.0.0.1:6379' },
  },
  {
    id: 'redis.client', title: 'Redis client', kind: 'vector_store', provider: 'redis',
    js: [{ module: 'redis', exports: ['createClient'] }],
    python: [{ module: 'redis', names: ['Redis', 'from_url', 'Redis.from_url', 'StrictRedis'], alsoFrom: ['redis.asyncio'], endpoint: ['url', '0'], fields: { host: ['host'], port: ['port'] }, scheme: 'redis', credential: ['password'] }],
    endpoint: { from: ['0.url'], env: ['REDIS_URL'], default: 'redis://127.0.0.1:6379' },
    credential: { from: ['0.password'] },
  },
  {
    id: 'mongodb.store', title: 'MongoDB Atlas vector search', kind: 'vector_store', provider: 'mongodb',
    js: [{ module: '@langchain/mongodb', exports: ['MongoDBAtlasVectorSearch'], statics: FACTORIES }],
    python: [{ module: 'langchain_mongodb', names: ['MongoDBAtlasVectorSearch'], statics: [...PY_FACTORIES, 'from_connection_string'], endpoint: ['collection', 'connection_string', '0'] }],
    endpoint: { from: ['*.collection'] },
  },
  {
    id: 'mongodb.client', title: 'MongoDB client', kind: 'vector_store', provider: 'mongodb',
    js: [{ module: 'mongodb', exports: ['MongoClient'] }],
    python: [{ module: 'pymongo', names: ['MongoClient'], alsoFrom: ['motor.motor_asyncio'], endpoint: ['host', '0'], env: [] }],
    endpoint: { from: ['0'], env: ['MONGODB_ATLAS_URI', 'MONGODB_URI'] },
  },
  {
    id: 'elasticsearch.store', title: 'Elasticsearch vector store', kind: 'vector_store', provider: 'elasticsearch',
    python: [{ module: 'langchain_elasticsearch', names: ['ElasticsearchStore'], statics: PY_FACTORIES, endpoint: ['es_url', 'es_connection'], credential: ['es_api_key', 'es_password'], fixProperty: 'es_url', keyProperty: 'es_api_key' }],
    endpoint: { env: ['ES_URL'], default: 'http://127.0.0.1:9200', gatewaySuffix: '' },
    credential: { env: ['ES_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/index/_search' },
  },
];
